#!/bin/bash
# check_man.sh ASBB_BIN -- the manual pages: issue 5's acceptance point 5.
#
#   bash tests/man/check_man.sh build/src/asbb
#
# For every man/*.[1-8]:
#   - the source is plain ASCII (other characters are written as roff escapes,
#     e.g. \(mu for the multiplication sign);
#   - groff -ww -z -man prints no warning;
#   - man -l renders it at 80 columns without a warning (man --warnings with
#     every groff warning enabled, where man-db supports it).
# Against the binary:
#   - every verb that `asbb --help` lists ("account create", "check", ...) has
#     its own entry in asbb(1) (a line of the rendered page that starts with
#     "asbb VERB");
#   - every option that `asbb VERB --help` lists is named in that entry;
#   - every option of `asbb --help` is named in asbb(1);
# and every asbb page that a page refers to, as NAME(SECTION), exists.
# Prints one line per check and a final "N passed, M failed"; exits 1 when a
# check failed.
set -uo pipefail

ASBB=${1:?usage: check_man.sh PATH/TO/asbb}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MAN_DIR=$ROOT/man

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	echo "ok   $1"
}
# fail WHAT [DETAILS]: DETAILS (several lines, say warnings) are indented below.
fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	local line
	if [ -n "${2:-}" ]; then
		while IFS= read -r line; do echo "       $line"; done <<<"$2"
	fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# man must never page, and renders in a UTF-8 locale when there is one (as
# users read the pages); C.UTF-8 is in every Debian libc.
export MANPAGER=cat PAGER=cat
utf8_locale=C
if locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8'; then utf8_locale=C.UTF-8; fi

for tool in groff man col; do
	if ! command -v "$tool" >/dev/null; then
		fail "$tool is installed (scripts/install-deps.sh installs groff-base, man-db)"
		finish
	fi
done
if [ ! -x "$ASBB" ]; then
	fail "asbb binary $ASBB is executable"
	finish
fi

# --- every page renders cleanly -------------------------------------------

shopt -s nullglob
pages=("$MAN_DIR"/*.[1-8])
shopt -u nullglob
for required in asbb.1 asbb.conf.5 asbb-poller.8 job_submit_budget.8; do
	if [ -f "$MAN_DIR/$required" ]; then
		pass "man/$required exists"
	else
		fail "man/$required exists"
	fi
done

man_warnings_flag=()
if man --help 2>&1 | grep -q -- '--warnings'; then man_warnings_flag=(--warnings); fi

for page in "${pages[@]}"; do
	name=man/$(basename "$page")

	non_ascii=$(LC_ALL=C grep -n '[^[:print:][:space:]]' "$page")
	if [ -z "$non_ascii" ]; then
		pass "$name is plain ASCII"
	else
		fail "$name is plain ASCII (write other characters as roff escapes)" "$non_ascii"
	fi

	groff_out=$(groff -ww -z -man "$page" 2>&1)
	groff_rc=$?
	if [ "$groff_rc" -eq 0 ] && [ -z "$groff_out" ]; then
		pass "$name: groff -ww -z -man prints no warning"
	else
		fail "$name: groff -ww -z -man prints no warning (exit $groff_rc)" "$groff_out"
	fi

	man_err=$(LC_ALL=$utf8_locale MANROFFOPT=-ww MANWIDTH=80 \
		man "${man_warnings_flag[@]}" -l "$page" 2>&1 >/dev/null)
	man_rc=$?
	rendered=$(LC_ALL=$utf8_locale MANWIDTH=80 man -l "$page" 2>/dev/null)
	if [ "$man_rc" -eq 0 ] && [ -z "$man_err" ] && grep -q '^NAME' <<<"$rendered"; then
		pass "$name: man ${man_warnings_flag[*]} -l renders it at 80 columns without a warning"
	else
		fail "$name: man ${man_warnings_flag[*]} -l renders it at 80 columns without a warning (exit $man_rc)" \
			"${man_err:-(no NAME section in the output)}"
	fi
done

# --- asbb(1) against the binary -------------------------------------------

# The page as plain text, in ASCII (so "\-" is "-"), wide enough that no
# entry's first line wraps.
page_text=$(LC_ALL=C MANWIDTH=250 man -l "$MAN_DIR/asbb.1" 2>/dev/null | col -bx)

help_text=$("$ASBB" --help 2>&1)
help_rc=$?
if [ "$help_rc" -ne 0 ]; then
	fail "asbb --help exits 0 (exit $help_rc)" "$help_text"
	finish
fi

# The verbs are the leading lower-case words of the lines of the "Verbs:"
# section that start with exactly two spaces ("  rates set --partition=...");
# continuation lines are indented further.
mapfile -t verbs < <(awk '
	/^Verbs:/ { in_verbs = 1; next }
	in_verbs && /^[^ ]/ { in_verbs = 0 }
	in_verbs && /^  [a-z]/ {
		verb = ""
		for (i = 1; i <= NF && $i ~ /^[a-z][a-z-]*$/; i++) verb = verb (verb == "" ? "" : " ") $i
		if (!(verb in seen)) { seen[verb] = 1; print verb }
	}' <<<"$help_text")
if [ "${#verbs[@]}" -ge 10 ]; then
	pass "asbb --help lists ${#verbs[@]} verbs"
else
	fail "asbb --help lists at least 10 verbs (found ${#verbs[@]}: the Verbs: section changed shape?)" \
		"$help_text"
fi

# entry VERB: the rendered entry of VERB in asbb(1), from its first line
# ("asbb VERB ...", at the page's text indent) to the next line at that
# indent.
entry() {
	awk -v verb="asbb $1" '
		function starts_entry(line) {
			sub(/^ +/, "", line)
			return line == verb || index(line, verb " ") == 1
		}
		/^       [^ ]/ { if (inside) exit; if (starts_entry($0)) inside = 1 }
		inside' <<<"$page_text"
}

for verb in "${verbs[@]}"; do
	text=$(entry "$verb")
	if [ -z "$text" ]; then
		fail "asbb(1) has an entry for 'asbb $verb'"
		continue
	fi
	pass "asbb(1) has an entry for 'asbb $verb'"

	# shellcheck disable=SC2086 # the verb is two words on purpose
	verb_help=$("$ASBB" $verb --help 2>&1)
	verb_rc=$?
	if [ "$verb_rc" -ne 0 ]; then
		fail "asbb $verb --help exits 0 (exit $verb_rc)" "$verb_help"
		continue
	fi
	missing=()
	while read -r option; do
		[ "$option" = --help ] && continue
		grep -q -- "$option" <<<"$text" || missing+=("$option")
	done < <(grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z0-9-]*' <<<"$verb_help" | grep -oE -- '--[a-z][a-z0-9-]*')
	if [ "${#missing[@]}" -eq 0 ]; then
		pass "asbb(1) names every option of 'asbb $verb --help' in its entry"
	else
		fail "asbb(1) names every option of 'asbb $verb --help' in its entry: missing ${missing[*]}"
	fi
done

# The options of asbb --help (the section after "Options"): --long options and
# format=.
missing=()
while read -r option; do
	grep -qF -- "$option" <<<"$page_text" || missing+=("$option")
done < <(awk '/^Options/ { on = 1; next } on && /^[^ ]/ { on = 0 } on' <<<"$help_text" |
	grep -oE -- '(--[a-z][a-z0-9-]*|format=)' | sort -u)
if [ "${#missing[@]}" -eq 0 ]; then
	pass "asbb(1) names every option of 'asbb --help'"
else
	fail "asbb(1) names every option of 'asbb --help': missing ${missing[*]}"
fi

# --- references between the pages -----------------------------------------

for page in "${pages[@]}"; do
	name=man/$(basename "$page")
	broken=()
	while read -r ref; do
		target=${ref%(*}.${ref##*(}
		target=${target%)}
		[ -f "$MAN_DIR/$target" ] || broken+=("$ref")
	done < <(LC_ALL=C MANWIDTH=250 man -l "$page" 2>/dev/null | col -bx |
		grep -oE '(asbb[a-z.-]*|job_submit_budget)\([1-8]\)' | sort -u)
	if [ "${#broken[@]}" -eq 0 ]; then
		pass "$name refers only to asbb pages that exist"
	else
		fail "$name refers only to asbb pages that exist: no page for ${broken[*]}"
	fi
done

finish
