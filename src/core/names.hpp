// Validation of names that come from people or config: SLURM accounts,
// partitions, clusters, users, and identifiers that end up in SQL as table or
// database names. Values always travel as prepared-statement parameters;
// identifiers cannot, so they must match a strict pattern.
#pragma once

#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

// SLURM account: 1-64 chars of [a-z0-9_.-], starting with a letter or digit;
// upper case is folded to lower case (SLURM stores accounts in lower case).
// Quotes, backslashes, %, spaces, unicode and control characters are refused.
Expected<std::string> normalize_account_name(std::string_view text);

// Partition: 1-64 chars of [A-Za-z0-9_.-], not starting with '-' (case
// kept: SLURM keeps it).
Expected<std::string> validate_partition_name(std::string_view text);

// Cluster: 1-64 chars of [a-z0-9_-], folded to lower case.
Expected<std::string> normalize_cluster_name(std::string_view text);

// Unix/SLURM user name: 1-32 chars of [A-Za-z0-9_.-], not starting with '-'.
Expected<std::string> validate_user_name(std::string_view text);

// A mail recipient (AlertMail): a local user or user@domain, 1-254 chars
// of [A-Za-z0-9._%+=-] with at most one '@' between non-empty parts, not
// starting with '-', so that MailProg can never take it for an option.
Expected<std::string> validate_mail_recipient(std::string_view text);

// A mail domain (MailDomain): 1-253 chars of [A-Za-z0-9.-], starting with a
// letter or digit.
Expected<std::string> validate_mail_domain(std::string_view text);

// SQL identifier (database name): 1-64 chars of [A-Za-z0-9_].
Expected<std::string> validate_sql_identifier(std::string_view text);

// Free text (descriptions, reasons): at most max_len bytes of printable
// ASCII or valid UTF-8 without control characters. Quotes are fine here:
// the text only ever travels as a parameter. Empty text is valid; tabs,
// newlines, DEL and the C1 controls are not.
Expected<std::string> validate_free_text(std::string_view text, size_t max_len = 255);

// The input as it may appear in a one-line error message: in single quotes,
// bytes outside printable ASCII as \xNN, and cut after 40 bytes with the
// full length noted, so neither a newline nor a 10 KB argument reaches a log.
std::string quote_input(std::string_view text);

}  // namespace asbb
