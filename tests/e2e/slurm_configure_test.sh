#!/bin/bash
# slurm_configure_test.sh -- `asbb slurm configure` on a real cluster
# (issue 5): it checks the plugin against the SLURM that runs, the database,
# the cluster name and JobSubmitPlugins; prints the slurm.conf line, or
# writes it with --apply keeping a backup, touching nothing else.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb bash tests/e2e/slurm_configure_test.sh
#
#   1. the cluster's own slurm.conf: every check ok, exit 0.
#   2. a copy without JobSubmitPlugins: exit 1, prints JobSubmitPlugins=budget,
#      the file is unchanged.
#   3. --apply on it: exit 0; the file differs from before by that one line; a
#      backup equal to the old file. A second --apply changes nothing and
#      makes no second backup.
#   4. a PluginDir without the plugin; a plugin built for another SLURM
#      version (a stand-in .so compiled here with plugin_version 22.05.0 or
#      one off the running micro version); another ClusterName: each named
#      on its own FAIL line, exit 1.
# Copies live in a temp dir; the cluster's files are only read.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

configure() { # CONF [ARGS...]: runs it; output in OUT, status in RC
	local conf=$1
	shift
	RC=0
	OUT=$(e2e_asbb slurm configure --slurm-conf="$conf" "$@" 2>&1) || RC=$?
}

# 1 ------------------------------------------------------------------------
configure "$SLURM_CONF"
e2e_check_eq "own slurm.conf: exit 0" "$RC" 0
e2e_check_eq "own slurm.conf: no FAIL line" "$(grep -c '^FAIL' <<<"$OUT")" 0
e2e_check_match "own slurm.conf: plugin matches the running SLURM" "$OUT" \
	'^ok +.*job_submit_budget\.so is job_submit/budget for SLURM [0-9]+\.[0-9]+\.[0-9]+, the one that runs \(the running slurmctld\)'
e2e_check_match "own slurm.conf: database and cluster checked" "$OUT" "cluster $ASBB_CLUSTER_NAME is registered"
e2e_check_match "own slurm.conf: slurmctld runs the plugin" "$OUT" 'running slurmctld has job_submit/budget loaded'
[ "$RC" = 0 ] || e2e_log "$OUT"

# 2 ------------------------------------------------------------------------
conf=$WORK/slurm.conf
sed 's/^JobSubmitPlugins=/#JobSubmitPlugins=/' "$SLURM_CONF" >"$conf"
chmod 644 "$conf"
cp "$conf" "$WORK/original"
configure "$conf"
e2e_check_eq "no JobSubmitPlugins: exit 1" "$RC" 1
e2e_check_match "no JobSubmitPlugins: names the line it needs" "$OUT" '^    JobSubmitPlugins=budget$'
if cmp -s "$conf" "$WORK/original"; then e2e_pass "without --apply the file is unchanged"; else
	e2e_fail "without --apply the file is unchanged"; fi

# 3 ------------------------------------------------------------------------
configure "$conf" --apply
e2e_check_eq "--apply: exit 0" "$RC" 0
[ "$RC" = 0 ] || e2e_log "$OUT"
e2e_check_eq "--apply: the only change is the added line" \
	"$(diff "$WORK/original" "$conf" | grep '^[<>]' | paste -sd' ' -)" '> JobSubmitPlugins=budget'
backups=("$conf".asbb-backup.*)
e2e_check_eq "--apply: one backup" "${#backups[@]}" 1
if cmp -s "${backups[0]}" "$WORK/original"; then e2e_pass "--apply: the backup is the old file"; else
	e2e_fail "--apply: the backup is the old file"; fi
e2e_check_eq "--apply keeps the file's mode" "$(stat -c %a "$conf")" 644
cp "$conf" "$WORK/applied"
configure "$conf" --apply
e2e_check_eq "second --apply: exit 0" "$RC" 0
if cmp -s "$conf" "$WORK/applied"; then e2e_pass "second --apply: file unchanged"; else
	e2e_fail "second --apply: file unchanged"; fi
backups=("$conf".asbb-backup.*)
e2e_check_eq "second --apply: still one backup" "${#backups[@]}" 1

# 4 ------------------------------------------------------------------------
# SLURM's own plugins without job_submit/budget: from 24.11 on libslurm loads
# its auth plugin from PluginDir at slurm_init, so a PluginDir with no SLURM
# plugins at all is not a configuration slurmctld could run with either.
# (Where the .deb is installed, SLURM's PluginDir holds job_submit_budget.so.)
mkdir "$WORK/empty" "$WORK/slurm-plugins"
slurm_libdir=/usr/lib/x86_64-linux-gnu/slurm-wlm
for so in "$slurm_libdir"/*.so; do
	[ "$(basename "$so")" = job_submit_budget.so ] || ln -s "$so" "$WORK/slurm-plugins/"
done
sed "s|^PluginDir=.*|PluginDir=$WORK/empty:$WORK/slurm-plugins|" "$conf" >"$WORK/no-plugin.conf"
configure "$WORK/no-plugin.conf"
e2e_check_eq "no plugin in PluginDir: exit 1" "$RC" 1
e2e_check_match "no plugin in PluginDir: says so" "$OUT" \
	"^FAIL +job_submit_budget\\.so is not in PluginDir \\($WORK/empty:$WORK/slurm-plugins\\)"

# A stand-in plugin one micro version off the SLURM that runs.
running=$(sed -n 's/.* for SLURM \([0-9.]*\), the one that runs.*/\1/p' <<<"$(e2e_asbb slurm configure --slurm-conf="$SLURM_CONF")")
IFS=. read -r major minor micro <<<"$running"
other=$(printf '0x%02x%02x%02x' "$((10#$major))" "$((10#$minor))" "$(((10#$micro + 1) % 256))")
mkdir "$WORK/old"
printf 'const char plugin_type[] = "job_submit/budget";\nconst unsigned plugin_version = %s;\n' "$other" >"$WORK/old/p.c"
if gcc -shared -fPIC -o "$WORK/old/job_submit_budget.so" "$WORK/old/p.c" 2>/dev/null; then
	sed "s|^PluginDir=.*|PluginDir=$WORK/old:$WORK/slurm-plugins|" "$conf" >"$WORK/old.conf"
	configure "$WORK/old.conf"
	e2e_check_eq "plugin for another SLURM: exit 1" "$RC" 1
	e2e_check_match "plugin for another SLURM: names both versions" "$OUT" \
		"^FAIL .*was built for SLURM $((10#$major))\\.$minor\\.$(((10#$micro + 1) % 256)) but SLURM $running runs"
else
	e2e_fail "gcc builds the stand-in plugin"
fi

sed 's/^ClusterName=.*/ClusterName=elsewhere/' "$conf" >"$WORK/other-cluster.conf"
configure "$WORK/other-cluster.conf"
e2e_check_eq "another ClusterName: exit 1" "$RC" 1
e2e_check_match "another ClusterName: says so" "$OUT" "^FAIL +ClusterName is 'elsewhere' in slurm.conf but '$ASBB_CLUSTER_NAME' in asbb.conf"

e2e_summary
