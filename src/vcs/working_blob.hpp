#pragma once

#include <git2.h>

#include <string>

namespace factory::vcs {

// Whether repository settings (core.autocrlf, core.eol, an attributes file outside the work
// tree) could make git filter file content. When neither they nor any .gitattributes in the
// work tree apply, content is hashed raw: libgit2's filter lookup would otherwise load the
// whole index just to look for attributes, which costs more than the scan on a large repo.
bool config_may_filter(git_repository* repo);

// The blob id of a working file (relative path), filtered as `git add` would unless `raw`.
bool hash_working_file(git_repository* repo, const std::string& path, bool raw, git_oid& out);

// Stores a working file (relative path) as a blob, filtered as `git add` would unless `raw`.
git_oid store_working_file(git_repository* repo, const std::string& path, bool raw);

}  // namespace factory::vcs
