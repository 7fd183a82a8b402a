#pragma once

// The repository a git hook runs in, found without libgit2 the way libgit2's
// GIT_REPOSITORY_OPEN_FROM_ENV finds it, for the pre-commit fast path. Every function throws
// Unsupported (object_reader.hpp) for a layout or setting it does not handle.
#include <filesystem>
#include <optional>
#include <string>

#include "vcs/object_reader.hpp"

namespace factory::vcs {

namespace fs = std::filesystem;

// Where one worktree of a repository keeps its state; every path canonical.
struct RepoLayout {
  fs::path git_dir;     // this worktree's admin dir
  fs::path common_dir;  // shared by every worktree: objects, refs, config
  fs::path workdir;     // this worktree's root
  fs::path main_root;   // the main worktree's root
  fs::path index_file;  // GIT_INDEX_FILE (as given), else <git_dir>/index
  bool linked = false;  // a linked worktree (its git_dir has a commondir file)
};

// The layout from GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE, else discovered upwards from the
// current directory. Refuses (Unsupported) bare repositories, alternates-only variables,
// repository config it cannot vouch for (includes, core.worktree, core.ignorecase, unknown
// extensions, a non-SHA-1 object format, a non-files ref store).
RepoLayout layout_from_env();

// What HEAD names.
struct HeadState {
  std::string branch;         // checked-out branch without refs/heads/ ("" when detached)
  std::optional<Oid> commit;  // nullopt on an unborn branch
};

// Resolves HEAD: the worktree's own HEAD file, symbolic refs through loose refs in the common
// dir, then packed-refs.
HeadState read_head(const RepoLayout& layout);

}  // namespace factory::vcs
