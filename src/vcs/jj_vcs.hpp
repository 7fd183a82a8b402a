#pragma once

#include "vcs/vcs.hpp"

namespace factory::vcs {

// The jj backend: every operation is a `jj` CLI call (argv, never a shell string) through a
// ProcessRunner, so tests can check the exact commands. Targets jj >= 0.20 (`jj bookmark`).
// "HEAD" of a workspace is its working-copy commit's parent `@-`; refs are kept as bookmarks
// named without the "refs/" prefix.
class JjVcs : public Vcs {
 public:
  // `main_root` is the default workspace (holds .jj/repo and .factory/).
  JjVcs(fs::path main_root, core::ProcessRunner& runner);

  std::string backend_name() const override { return "jj"; }
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
  bool main_tree_dirty() override;
  void ensure_excluded(const std::vector<std::string>& patterns) override;
  std::string operation_id(const fs::path& ws) override;
  // Not built yet for jj: refuses with a hint, changing nothing.
  Integration integrate(const IntegrateRequest& request) override;

 private:
  // Runs `jj --no-pager --color=never <args>` in `cwd`; throws Error(vcs) unless it exits 0.
  std::string jj(const fs::path& cwd, const std::vector<std::string>& args);
  // The full commit id of a single-revision revset.
  std::string commit_of(const fs::path& ws, const std::string& revset);
  // Changes of `jj diff <range>` with line counts.
  std::vector<FileChange> diff_changes(const fs::path& ws, const std::vector<std::string>& range);
  // Moves the workspace's bookmark (remembered at add_workspace) to its new `@-`.
  void advance_bookmark(const fs::path& ws);

  fs::path m_main_root;
  core::ProcessRunner& m_runner;
};

// The bookmark that stands for a git-style ref: "refs/factory/x" → "factory/x".
std::string bookmark_for_ref(const std::string& ref);

}  // namespace factory::vcs
