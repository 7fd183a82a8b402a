#pragma once

#include <map>

#include "vcs/git_handles.hpp"
#include "vcs/vcs.hpp"
#include "vcs/workdir_scan.hpp"

namespace factory::vcs {

// The patch of one file of a diff, with the blobs it reads from kept alive.
struct DeltaPatch {
  BlobPtr old_blob, new_blob;
  PatchPtr patch;
};

// Makes the patch of delta `i`. With `raw_content` (no attributes anywhere) plain files are
// diffed from their blobs, which keeps libgit2 from loading the whole index for attributes.
DeltaPatch delta_patch(git_repository* r, git_diff* diff, size_t i, bool raw_content,
                       bool binary_patch);

// The git backend: libgit2 in-process, no `git` subprocess. Repositories are opened once per
// workspace and kept for the life of the object, so a command pays for opening only once.
class GitVcs : public Vcs {
 public:
  // `main_root` is the main worktree (home of .factory/).
  explicit GitVcs(fs::path main_root);

  std::string backend_name() const override { return "git"; }
  fs::path main_root() const override { return m_main_root; }
  std::string add_workspace(const fs::path& ws, const std::string& branch,
                            const std::string& base_rev) override;
  void remove_workspace(const fs::path& ws, const std::string& branch,
                        const std::string& keep_ref) override;
  std::string head_commit(const fs::path& ws) override;
  std::string content_tree_id(const fs::path& ws) override;
  std::vector<FileChange> changes(const fs::path& ws) override;
  std::vector<FileChange> changes_since(const fs::path& ws,
                                        const std::string& base_commit) override;
  std::vector<AddedLines> added_lines_since(const fs::path& ws,
                                            const std::string& base_commit) override;
  std::optional<std::string> file_at(const fs::path& ws, const std::string& commit,
                                     const std::string& path) override;
  std::optional<std::string> commit_all(const fs::path& ws, const std::string& message) override;
  std::optional<std::string> commit_paths(const fs::path& ws, const std::vector<std::string>& paths,
                                          const std::string& message) override;
  SavedChange save_change(const fs::path& ws, const std::string& ref,
                          const fs::path& patch_file) override;
  void restore_to_head(const fs::path& ws) override;
  void apply_saved(const fs::path& ws, const std::string& ref) override;
  std::vector<std::string> refs_with_prefix(const std::string& prefix) override;
  bool main_tree_dirty() override { return main_tree_dirty_except({}); }
  void ensure_excluded(const std::vector<std::string>& patterns) override;
  std::string operation_id(const fs::path&) override { return ""; }
  Integration integrate(const IntegrateRequest& request) override;
  std::vector<FileChange> discard_change(const fs::path& ws, const std::string& ref,
                                         const fs::path& patch_file) override;

 private:
  // The change of a workspace against HEAD, read in one pass over the working files.
  struct Staged {
    std::string path;
    bool removed = false;
    git_oid id{};
    git_filemode_t mode = GIT_FILEMODE_BLOB;
  };
  struct Change {
    TreePtr head;                // HEAD's tree; null on an unborn branch
    WorkdirScan scan;            // working files against the index
    std::vector<Staged> staged;  // index entries that differ from HEAD
    bool empty() const { return scan.empty() && staged.empty(); }
  };

  // Whether the main worktree has changes outside .factory/ and `paths`.
  bool main_tree_dirty_except(const std::vector<std::string>& paths);
  // The repository whose workdir is `ws`, opened on first use.
  git_repository* repo(const fs::path& ws);
  // The repository's index, refreshed from disk if another process changed it.
  git_index* fresh_index(git_repository* r);
  // The tree HEAD points at; null on an unborn branch.
  TreePtr head_tree(git_repository* r);
  // The tree of a commit named by a revision expression.
  TreePtr commit_tree(git_repository* r, const std::string& rev);
  // Scans the working files and the index of `r`.
  Change read_change(git_repository* r);
  // The index entries that differ from `head`, through libgit2 (the slow, general way).
  std::vector<Staged> staged_changes(git_repository* r, git_tree* head);
  // Writes the tree of the working files (HEAD + staged + unstaged + untracked) without
  // touching the index file.
  git_oid content_tree(git_repository* r, const Change& change);
  // Slow path for changes a tree update cannot express (a file became a directory): stage
  // everything into the in-memory index, write its tree, then re-read the index from disk.
  git_oid content_tree_via_index(git_repository* r);
  // Stages the scanned change into the index and writes it (what `git add -A` does).
  void stage_change(git_repository* r, const Change& change);
  // Makes the working files and the index match HEAD for the paths of `change`.
  void restore_paths(git_repository* r, const Change& change);
  // Writes a commit of `tree` on top of HEAD (or parentless), moving HEAD when `update_head`.
  git_oid write_commit(git_repository* r, const git_oid& tree, const std::string& message,
                       bool update_head);
  // The diff between two trees (null = empty tree), typechanges reported as modifications.
  DiffPtr tree_diff(git_repository* r, git_tree* from, const git_oid& to, bool binary_patch);
  // Per-file kinds and line counts of a diff (`raw`: no content filter applies).
  std::vector<FileChange> file_changes(git_repository* r, git_diff* diff, bool raw);
  // Keeps `tree` as a commit on HEAD under `ref` and writes the patch HEAD→tree.
  std::string keep_change(git_repository* r, const Change& change, const git_oid& tree,
                          const std::string& ref, const fs::path& patch_file);

  fs::path m_main_root;
  std::map<fs::path, RepoPtr> m_repos;
};

}  // namespace factory::vcs
