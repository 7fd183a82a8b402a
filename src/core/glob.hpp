#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace factory::core {

// Matches a repository-relative path ("src/a/b.py") against a gitignore-style glob:
// a pattern without '/' matches the file name at any depth ("test_*.py"); a pattern with '/'
// is anchored at the root ("tests/**"); "**" spans directories, "*" and "?" stay within one
// path segment, "[...]" is a character class; a trailing '/' matches a directory and all below.
bool glob_match(std::string_view pattern, std::string_view path);

// Whether any of the patterns matches.
bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path);

// Why a contract glob is unusable, or nullopt when it is fine. A leading '!' (negation in a
// pattern list) is skipped; a leading '/' is allowed and anchors at the root. Refused: an empty
// pattern, "//" (an empty segment), a "." or ".." segment (paths are matched normalised, so such
// a pattern could never match), an unterminated '[' class, a trailing backslash, a NUL byte.
std::optional<std::string> glob_error(std::string_view pattern);

}  // namespace factory::core
