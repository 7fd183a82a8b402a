#pragma once

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

}  // namespace factory::core
