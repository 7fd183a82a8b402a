// Finding the repository around a directory and picking its backend.
#include <cstdlib>
#include <fstream>

#include "vcs/fast_repo.hpp"
#include "vcs/git_handles.hpp"
#include "vcs/git_vcs.hpp"
#include "vcs/jj_vcs.hpp"
#include "vcs/vcs_util.hpp"

namespace factory::vcs {

namespace {

// The nearest directory at or above `start` that holds a `.jj/` directory.
std::optional<fs::path> find_jj_root(const fs::path& start) {
  std::error_code ec;
  for (fs::path p = start;; p = p.parent_path()) {
    if (fs::is_directory(p / ".jj", ec)) return p;
    if (p == p.parent_path()) return std::nullopt;
  }
}

// A secondary jj workspace's `.jj/repo` is a file naming the main workspace's `.jj/repo`.
fs::path jj_main_root(const fs::path& ws) {
  fs::path repo = ws / ".jj" / "repo";
  std::error_code ec;
  if (!fs::is_regular_file(repo, ec)) return ws;
  std::ifstream in{repo};
  std::string target;
  std::getline(in, target);
  fs::path p = target;
  if (p.is_relative()) p = ws / ".jj" / p;  // newer jj versions write a relative path
  return normal_dir(p).parent_path().parent_path();
}

std::string head_branch(git_repository* r) {
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, r, "HEAD") < 0) return "";
  RefPtr owned(head);
  if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) return "";  // detached
  std::string target = git_reference_symbolic_target(head);
  const std::string prefix = "refs/heads/";
  return target.rfind(prefix, 0) == 0 ? target.substr(prefix.size()) : target;
}

// The main worktree of a repository opened from a linked worktree (or itself otherwise).
fs::path git_main_root(git_repository* r, const fs::path& workdir) {
  if (!git_repository_is_worktree(r)) return workdir;
  fs::path common = normal_dir(git_repository_commondir(r));
  if (common.filename() == ".git") return common.parent_path();
  git_repository* main = nullptr;  // a separate git dir: ask it where its worktree is
  if (git_repository_open(&main, common.c_str()) < 0) return common;
  RepoPtr owned(main);
  const char* wd = git_repository_workdir(main);
  return wd ? normal_dir(wd) : common;
}

// The git worktree around the current directory found by reading .git and HEAD, as the hook's
// fast path does, so that read-only commands skip libgit2's start-up (it parses the whole CA
// bundle: most of the time of `factory audit <task>`). nullopt when the fast reader does not
// vouch for the layout, or when GIT_DIR/GIT_WORK_TREE are set: libgit2 below ignores them, the
// fast reader would not, and both paths must find the same repository.
std::optional<Location> locate_git_without_libgit2(const fs::path& start) {
  if (std::getenv("GIT_DIR") || std::getenv("GIT_WORK_TREE")) return std::nullopt;
  std::error_code ec;
  if (normal_dir(fs::current_path(ec)) != start || ec) return std::nullopt;
  try {
    const RepoLayout layout = layout_from_env();
    return Location{normal_dir(layout.main_root), normal_dir(layout.workdir),
                    read_head(layout).branch};
  } catch (const Unsupported&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<Location> locate(const fs::path& cwd) {
  fs::path start = normal_dir(cwd);
  auto jj_root = find_jj_root(start);
  if (!jj_root) {
    if (auto found = locate_git_without_libgit2(start)) return found;
  }
  ensure_libgit2();
  git_repository* raw = nullptr;
  RepoPtr git;
  if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) == 0) git.reset(raw);
  fs::path git_workdir;
  if (git && git_repository_workdir(git.get()))
    git_workdir = normal_dir(git_repository_workdir(git.get()));

  // jj wins unless a git worktree sits strictly inside the jj workspace.
  bool git_is_deeper =
      !git_workdir.empty() && jj_root && git_workdir.string().size() > jj_root->string().size();
  if (jj_root && !git_is_deeper) return Location{jj_main_root(*jj_root), *jj_root, ""};
  if (git_workdir.empty()) return std::nullopt;  // outside any repository, or a bare one
  return Location{git_main_root(git.get(), git_workdir), git_workdir, head_branch(git.get())};
}

std::unique_ptr<Vcs> open_vcs(const Location& location, core::ProcessRunner& runner) {
  std::error_code ec;
  if (fs::is_directory(location.main_root / ".jj", ec)) {
    return std::make_unique<JjVcs>(location.main_root, runner);
  }
  return std::make_unique<GitVcs>(location.main_root);
}

}  // namespace factory::vcs
