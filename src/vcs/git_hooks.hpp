#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace factory::vcs {

namespace fs = std::filesystem;

// The directories git uses for one repository or linked worktree.
struct GitDirs {
  fs::path git_dir;     // this worktree's admin dir: .git, or .git/worktrees/<name>
  fs::path common_dir;  // shared by every worktree: hooks/, config, objects
  fs::path workdir;     // this worktree's root
  fs::path main_root;   // the main worktree's root
};

// The directories of the repository or linked worktree that contains `path`. Throws a usage
// Error outside a repository.
GitDirs git_dirs(const fs::path& path);

// Which configuration a lookup sees.
enum class ConfigScope {
  effective,  // what git sees: system, global, repository (and includes)
  local,      // only the repository's own .git/config
};

// A config value, or nullopt when it is not set in that scope. Path-valued keys are returned as
// written (no ~ expansion).
std::optional<std::string> config_value(const fs::path& repo, const std::string& key,
                                        ConfigScope scope);

// Sets a key in the repository's own .git/config (never per-worktree config).
void set_local_config(const fs::path& repo, const std::string& key, const std::string& value);

// Removes a key from the repository's own .git/config; nothing happens when it is not set.
void unset_local_config(const fs::path& repo, const std::string& key);

// One path the commit being made would change.
struct StagedChange {
  std::string path;                           // repository-relative, '/'-separated
  char kind = 'M';                            // 'A' added, 'M' modified, 'D' deleted
  std::optional<std::string> symlink_target;  // the staged link text when the new entry is one
};

// What a pre-commit hook is asked to judge, read from the repository git names in the
// environment.
struct StagedChanges {
  fs::path main_root;       // parent of the common dir: home of .factory/
  fs::path workspace_root;  // the worktree being committed in
  fs::path git_dir;         // its admin dir
  std::string branch;       // its checked-out branch ("" when detached)
  std::vector<StagedChange> changes;
};

// The staged change of the commit in progress: HEAD's tree (empty on an unborn branch) against
// the index. The repository is opened the way git's own commands do (GIT_DIR, GIT_WORK_TREE,
// GIT_INDEX_FILE, ..., else discovery from the current directory), because `git commit -a` and
// `git commit <paths>` hand the hook a temporary index. No rename detection: a rename is a 'D'
// of the old path and an 'A' of the new one. Reads only: never the working tree, never writes.
StagedChanges staged_changes_from_env();

}  // namespace factory::vcs
