#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/process.hpp"

namespace factory::vcs {

namespace fs = std::filesystem;

// One changed path in a workspace, relative to its root.
struct FileChange {
  std::string path;
  char kind = 'M';        // 'M' modified, 'A' added (new untracked or staged), 'D' deleted
  int added_lines = 0;    // -1 for binary files
  int removed_lines = 0;  // -1 for binary files
};

// The lines one file gains in a diff, for review checks.
struct AddedLines {
  std::string path;
  std::vector<std::pair<int, std::string>> lines;  // (1-based new line number, text)
};

// A discarded change kept so it can be brought back.
struct SavedChange {
  std::string commit_id;  // a commit whose tree is the discarded workspace, parent = HEAD
  std::string ref;        // where it is kept, e.g. refs/factory/reverted/<task>/3
};

// Where a command was started: which repository and which workspace inside it.
struct Location {
  fs::path main_root;       // the main worktree (or jj repo root): home of .factory/
  fs::path workspace_root;  // the worktree that contains the current directory
  std::string branch;       // its checked-out branch ("" when detached)
};

// How a task branch lands on the branch checked out in the main worktree.
struct IntegrateRequest {
  std::string task_branch;  // factory/<task>
  bool squash = true;       // one new commit on the base; false = a merge commit
  std::string message;
  std::vector<std::string> not_dirty;  // main-root relative paths whose changes don't count
};

// What an integration did.
struct Integration {
  std::string branch;         // the base branch that moved
  std::string previous_head;  // its commit before
  std::string commit_id;      // the new commit
};

// Every VCS operation factory needs, for git (libgit2) and jj (the jj CLI).
// Paths named `ws` are workspace roots. "The change" is what `git add -A` would take:
// tracked edits plus untracked files that are not ignored.
class Vcs {
 public:
  virtual ~Vcs() = default;

  // "git" or "jj".
  virtual std::string backend_name() const = 0;

  // The main worktree root, which owns .factory/.
  virtual fs::path main_root() const = 0;

  // Creates a workspace at `ws` on a new branch `branch` starting at `base_rev` (a revision
  // expression; empty = the main worktree's HEAD). Returns the base commit id.
  virtual std::string add_workspace(const fs::path& ws, const std::string& branch,
                                    const std::string& base_rev) = 0;

  // Removes the workspace and its branch; when `keep_ref` is set, the branch's last commit is
  // kept under that ref first.
  virtual void remove_workspace(const fs::path& ws, const std::string& branch,
                                const std::string& keep_ref) = 0;

  // The commit checked out in a workspace.
  virtual std::string head_commit(const fs::path& ws) = 0;

  // The id of a tree holding the workspace contents (tracked + untracked, not ignored). Writes
  // no ref and does not touch the index file on disk.
  virtual std::string content_tree_id(const fs::path& ws) = 0;

  // The change in the workspace against HEAD.
  virtual std::vector<FileChange> changes(const fs::path& ws) = 0;

  // The change in the workspace (working files) against `base_commit`.
  virtual std::vector<FileChange> changes_since(const fs::path& ws,
                                                const std::string& base_commit) = 0;

  // Lines added in the workspace files against `base_commit`.
  virtual std::vector<AddedLines> added_lines_since(const fs::path& ws,
                                                    const std::string& base_commit) = 0;

  // The content of `path` (relative to the workspace root) in `commit`; nullopt when the commit
  // has no file there. Lets a measure compare a file before and after the change.
  virtual std::optional<std::string> file_at(const fs::path& ws, const std::string& commit,
                                             const std::string& path) = 0;

  // Commits the whole change (git add -A + commit). nullopt when there is nothing to commit.
  virtual std::optional<std::string> commit_all(const fs::path& ws, const std::string& message) = 0;

  // Commits only the given paths' working-tree state; the rest stays uncommitted in the
  // working tree. nullopt when those paths have no change.
  virtual std::optional<std::string> commit_paths(const fs::path& ws,
                                                  const std::vector<std::string>& paths,
                                                  const std::string& message) = 0;

  // Keeps the change as a commit under `ref` and writes it as a patch to `patch_file`.
  virtual SavedChange save_change(const fs::path& ws, const std::string& ref,
                                  const fs::path& patch_file) = 0;

  // Restores tracked files to HEAD and deletes untracked files that are not ignored.
  virtual void restore_to_head(const fs::path& ws) = 0;

  // save_change then restore_to_head, returning what was discarded (as `changes` listed it
  // before); nothing is saved when there is no change. The git backend does it with one pass
  // over the working files instead of three, which is what keeps a revert fast.
  virtual std::vector<FileChange> discard_change(const fs::path& ws, const std::string& ref,
                                                 const fs::path& patch_file) {
    auto discarded = changes(ws);
    if (discarded.empty()) return discarded;
    save_change(ws, ref, patch_file);
    restore_to_head(ws);
    return discarded;
  }

  // Brings a saved change back into the workspace's working files (applies the saved commit's
  // diff against its parent). Throws an Error when it does not apply cleanly.
  virtual void apply_saved(const fs::path& ws, const std::string& ref) = 0;

  // Refs under a prefix, e.g. "refs/factory/reverted/<task>/".
  virtual std::vector<std::string> refs_with_prefix(const std::string& prefix) = 0;

  // Whether the main worktree has uncommitted changes, not counting .factory/.
  virtual bool main_tree_dirty() = 0;

  // Adds ignore patterns (the templates' byproducts) to the repository-wide exclude file
  // (info/exclude for git), inside a block marked as factory's. Idempotent.
  virtual void ensure_excluded(const std::vector<std::string>& patterns) = 0;

  // An operation id to store with a run (jj op id); "" when the backend has none.
  virtual std::string operation_id(const fs::path& ws) = 0;

  // Integrates the task branch into the branch checked out in the main worktree: writes the
  // commit, updates the main worktree's files and index, then moves the branch. Nothing is
  // pushed. Blocked Error, with nothing changed, when the main worktree is detached or has
  // uncommitted changes, when the base moved in a way that conflicts with the task, or when the
  // task branch has nothing the base lacks.
  virtual Integration integrate(const IntegrateRequest& request) = 0;
};

// Finds the repository around `cwd` (git, or jj when `.jj/` is present). nullopt outside one.
std::optional<Location> locate(const fs::path& cwd);

// Opens the backend for a located repository: jj when the main root has .jj/, else git.
// The jj backend runs the jj CLI through `runner`.
std::unique_ptr<Vcs> open_vcs(const Location& location, core::ProcessRunner& runner);

}  // namespace factory::vcs
