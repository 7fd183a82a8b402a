#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace factory::coverage {

// Per repository-relative path ('/'-separated, as in the new tree), the new-file line numbers
// that a change added or modified. A deleted file has no entry; a file whose change added no
// line (pure deletion, rename, mode change) has an empty set.
using ChangedLines = std::map<std::string, std::set<int>>;

// The added lines of a unified diff as `git diff` prints it: several files and hunks, renames
// and copies (the new name counts), new and deleted files, binary files (no lines), "\ No
// newline at end of file", C-quoted paths with octal-escaped UTF-8, a/ b/ or no prefix. Text
// outside a file section is ignored. Hunk line counts are followed, and like diff-cover a hunk
// that runs past its count (hand-edited diffs) or stops short is read as written. Throws
// core::Error(usage) naming "diff:LINE" for a hunk header it cannot read.
ChangedLines parse_unified_diff(std::string_view diff_text);

}  // namespace factory::coverage
