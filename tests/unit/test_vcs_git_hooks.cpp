#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "unit/test_vcs_repo.hpp"
#include "vcs/git_handles.hpp"
#include "vcs/git_hooks.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;

namespace {

// Runs the test from `dir`, the way git runs a hook from the worktree root.
struct CwdGuard {
  fs::path old = fs::current_path();
  explicit CwdGuard(const fs::path& dir) { fs::current_path(dir); }
  ~CwdGuard() { fs::current_path(old); }
};

// A hook's view: no GIT_* variables but the ones a test sets.
void clear_git_env(EnvGuard& env) {
  for (const char* name : {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
                           "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "GIT_NAMESPACE"}) {
    env.set(name, nullptr);
  }
}

std::map<std::string, char> kinds(const StagedChanges& staged) {
  std::map<std::string, char> out;
  for (const auto& c : staged.changes) out[c.path] = c.kind;
  return out;
}

}  // namespace

TEST_CASE("staged changes: additions, modifications and deletions in the index, nothing else") {
  GitRepo repo;
  write_file(repo.root / "README", "changed\n");
  write_file(repo.root / "docs/new.md", "new\n");
  repo.git("rm -q src/a.py");
  repo.git("add README docs/new.md");
  write_file(repo.root / "unstaged.txt", "not added\n");  // untracked: not part of the commit
  write_file(repo.root / ".gitignore", "*.log\nchanged-but-unstaged\n");
  EnvGuard env;
  clear_git_env(env);
  CwdGuard cwd(repo.root / "docs");

  auto staged = staged_changes_from_env();
  CHECK(kinds(staged) ==
        std::map<std::string, char>{{"README", 'M'}, {"docs/new.md", 'A'}, {"src/a.py", 'D'}});
  CHECK(staged.main_root == repo.root);
  CHECK(staged.workspace_root == repo.root);
  CHECK(staged.branch == "main");
}

TEST_CASE("staged changes: a rename counts as the old path deleted and the new one added") {
  GitRepo repo;
  repo.git("mv src/a.py secret.py");
  EnvGuard env;
  clear_git_env(env);
  CwdGuard cwd(repo.root);
  CHECK(kinds(staged_changes_from_env()) ==
        std::map<std::string, char>{{"secret.py", 'A'}, {"src/a.py", 'D'}});
}

TEST_CASE("staged changes: a staged symlink carries its target") {
  GitRepo repo;
  fs::create_symlink("../secrets/key.pem", repo.root / "src/link");
  repo.git("add src/link");
  EnvGuard env;
  clear_git_env(env);
  CwdGuard cwd(repo.root);
  auto staged = staged_changes_from_env();
  REQUIRE(staged.changes.size() == 1);
  CHECK(staged.changes[0].path == "src/link");
  CHECK(staged.changes[0].kind == 'A');
  CHECK(staged.changes[0].symlink_target == std::optional<std::string>("../secrets/key.pem"));
}

TEST_CASE("staged changes: GIT_INDEX_FILE names the index to read (git commit -a / <paths>)") {
  GitRepo repo;
  write_file(repo.root / "README", "in the normal index\n");
  repo.git("add README");
  const fs::path other = repo.tmp.path / "next-index.lock";
  write_file(repo.root / "src/a.py", "def a():\n    return 2\n");
  sh("cd '" + repo.root.string() + "' && GIT_INDEX_FILE='" + other.string() +
     "' git read-tree HEAD && GIT_INDEX_FILE='" + other.string() + "' git add src/a.py");
  auto index_before = read_file(repo.root / ".git/index");
  EnvGuard env;
  clear_git_env(env);
  env.set("GIT_INDEX_FILE", other.c_str());
  CwdGuard cwd(repo.root);

  CHECK(kinds(staged_changes_from_env()) == std::map<std::string, char>{{"src/a.py", 'M'}});
  CHECK(read_file(repo.root / ".git/index") == index_before);  // never written
  CHECK(read_file(repo.root / "src/a.py") == "def a():\n    return 2\n");
}

TEST_CASE("staged changes: on an unborn branch everything staged is an addition") {
  TempDir tmp;
  sh("git init -q -b main '" + tmp.path.string() + "'");
  write_file(tmp.path / "a.txt", "a\n");
  sh("git -C '" + tmp.path.string() + "' add a.txt");
  EnvGuard env;
  clear_git_env(env);
  CwdGuard cwd(tmp.path);
  CHECK(kinds(staged_changes_from_env()) == std::map<std::string, char>{{"a.txt", 'A'}});
}

TEST_CASE("staged changes in a linked worktree, with GIT_DIR set the way git sets it for hooks") {
  GitRepo repo;
  const fs::path wt = repo.tmp.path / "wt";
  repo.git("worktree add -q -b factory/t '" + wt.string() + "'");
  write_file(wt / "src/b.py", "b\n");
  repo.git("add src/b.py", wt);
  const fs::path admin = repo.root / ".git/worktrees/wt";
  EnvGuard env;
  clear_git_env(env);
  env.set("GIT_DIR", admin.c_str());
  CwdGuard cwd(wt);

  auto staged = staged_changes_from_env();
  CHECK(kinds(staged) == std::map<std::string, char>{{"src/b.py", 'A'}});
  CHECK(staged.main_root == repo.root);
  CHECK(staged.workspace_root == wt);
  CHECK(staged.git_dir == admin);
  CHECK(staged.branch == "factory/t");
}

TEST_CASE("git_dirs tells the main worktree from a linked one") {
  GitRepo repo;
  const fs::path wt = repo.tmp.path / "wt";
  repo.git("worktree add -q -b feature '" + wt.string() + "'");
  auto main = git_dirs(repo.root / "src");
  CHECK(main.git_dir == repo.root / ".git");
  CHECK(main.common_dir == repo.root / ".git");
  CHECK(main.workdir == repo.root);
  CHECK(main.main_root == repo.root);
  auto linked = git_dirs(wt);
  CHECK(linked.git_dir == repo.root / ".git/worktrees/wt");
  CHECK(linked.common_dir == repo.root / ".git");
  CHECK(linked.workdir == wt);
  CHECK(linked.main_root == repo.root);
  TempDir outside;
  CHECK_THROWS_AS(git_dirs(outside.path), factory::core::Error);
}

TEST_CASE("config helpers read, set and unset keys in .git/config only") {
  GitRepo repo;
  TempDir home;
  write_file(home.path / ".gitconfig", "[core]\n\thooksPath = /from/global\n");
  // libgit2 reads $HOME once at start-up; point its global search path at the fake home.
  ensure_libgit2();
  git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, home.path.c_str());
  struct RestoreSearchPath {
    ~RestoreSearchPath() {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, nullptr);
    }
  } restore;

  CHECK(config_value(repo.root, "core.hooksPath", ConfigScope::effective) ==
        std::optional<std::string>("/from/global"));
  CHECK_FALSE(config_value(repo.root, "core.hooksPath", ConfigScope::local));

  set_local_config(repo.root, "core.hooksPath", ".husky");
  CHECK(repo.git("config --local core.hooksPath") == ".husky");
  CHECK(config_value(repo.root, "core.hooksPath", ConfigScope::effective) ==
        std::optional<std::string>(".husky"));

  unset_local_config(repo.root, "core.hooksPath");
  unset_local_config(repo.root, "core.hooksPath");  // already gone: no error
  CHECK_FALSE(config_value(repo.root, "core.hooksPath", ConfigScope::local));
  CHECK(read_file(home.path / ".gitconfig") == "[core]\n\thooksPath = /from/global\n");
}
