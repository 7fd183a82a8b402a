#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/contract.hpp"

namespace factory::contract {

// One path a commit would change, as the boundary check sees it.
struct PathChange {
  std::string path;  // repository-relative, as git or the VCS reports it
  char kind = 'M';   // 'M' modified, 'A' added, 'D' deleted (a rename is a 'D' plus an 'A')
  std::optional<std::string> symlink_target;  // the new content when it is a symlink
  // Where the symlink leads on disk, every link on the way followed: repository-relative, or
  // ".." when it leaves the repository. Catches chains a lexical walk of the target misses.
  std::optional<std::string> resolved_target = std::nullopt;
};

// Why one path may not be changed.
struct Violation {
  std::string path;    // as reported (normalised when it could be)
  std::string reason;  // e.g. "matches forbidden glob 'secrets/**'", "not in allowed_files"
};

// The path with "." segments and duplicate slashes removed and ".." resolved lexically;
// nullopt when it is absolute or climbs out of the repository; "" for the root itself (".").
std::optional<std::string> normalize_path(std::string_view path);

// Fills resolved_target for the symlink changes whose link exists under `root` (the workspace).
void resolve_symlinks_on_disk(std::vector<PathChange>& changes, const std::filesystem::path& root);

// Checks every change against the boundaries: forbidden globs (matched case-insensitively, so a
// case-only rename cannot dodge them) win over allowed ones; `.factory/**` is always forbidden;
// paths that escape the repository are refused; a symlink is refused when its target resolves
// outside the repository or to a path the task may not change. Empty result = allowed.
std::vector<Violation> check_boundaries(const core::Boundaries& boundaries,
                                        const std::vector<PathChange>& changes);

}  // namespace factory::contract
