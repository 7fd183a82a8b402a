#include <doctest/doctest.h>

#include "contract/hook_script.hpp"
#include "contract/hooks.hpp"
#include "core/error.hpp"
#include "unit/test_vcs_repo.hpp"
#include "vcs/git_handles.hpp"

using namespace factory::contract;
using factory::vcs::testing::GitRepo;
using factory::vcs::testing::read_file;
using factory::vcs::testing::sh;
using factory::vcs::testing::write_file;

namespace {

bool is_executable(const fs::path& p) {
  return (fs::status(p).permissions() & fs::perms::owner_exec) != fs::perms::none;
}

void write_script(const fs::path& p, const std::string& text) {
  write_file(p, text);
  fs::permissions(p, fs::perms(0755));
}

// A repository with a task worktree "t" and a fake factory binary that logs how it was called
// (and blocks), so the dispatcher can be driven by real `git commit`s.
struct TaskRepo : GitRepo {
  fs::path wt = tmp.path / "repo.factory" / "t";
  fs::path fake = tmp.path / "bin" / "factory";
  fs::path log = tmp.path / "calls.log";

  TaskRepo() {
    git("worktree add -q -b factory/t '" + wt.string() + "'");
    write_script(fake, "#!/bin/sh\necho \"$*\" >>'" + log.string() + "'\nexit 3\n");
  }
  // Stages a new file in `dir` and commits; true when git accepted the commit.
  bool commit_in(const fs::path& dir, const std::string& name) {
    write_file(dir / name, name + "\n");
    git("add '" + name + "'", dir);
    try {
      git("commit -q -m '" + name + "'", dir);
      return true;
    } catch (const std::runtime_error&) {
      git("reset -q", dir);
      return false;
    }
  }
  std::string calls() const { return fs::exists(log) ? read_file(log) : ""; }
};

}  // namespace

TEST_CASE("render_dispatcher bakes in the binary and the chained hook, sh-quoted") {
  auto text = render_dispatcher("/opt/it's here/factory", fs::path("/r/.git/hooks/x"));
  CHECK(text.rfind("#!/bin/sh\n# factory-hook: pre-commit v", 0) == 0);
  CHECK(text.find("factory_bin='/opt/it'\\''s here/factory'") != std::string::npos);
  CHECK(text.find("factory_user_hook='/r/.git/hooks/x'") != std::string::npos);
  CHECK(text.find("@USER_HOOK@") == std::string::npos);
  CHECK(text.find("@FACTORY_BIN@") == std::string::npos);
  auto marker = parse_marker(text);
  REQUIRE(marker);
  CHECK(marker->kind == "pre-commit");
  CHECK(marker->version == dispatcher_version());
  CHECK_FALSE(parse_marker("#!/bin/sh\necho hi\n"));
}

TEST_CASE("a fresh install writes the dispatcher and marks the task worktree; it is idempotent") {
  TaskRepo repo;
  auto first = install_hook(repo.root, repo.wt, "t", repo.fake);
  const fs::path hook = repo.root / ".git/hooks/pre-commit";
  CHECK(first.hook_file == hook);
  CHECK(first.changed);
  CHECK_FALSE(first.chained);
  CHECK_FALSE(first.via_hooks_path);
  CHECK(is_executable(hook));
  CHECK(read_file(hook).find(repo.fake.string()) != std::string::npos);
  CHECK(read_file(repo.root / ".git/worktrees/t/factory-task") == "t\n");

  auto second = install_hook(repo.root, repo.wt, "t", repo.fake);
  CHECK_FALSE(second.changed);
  CHECK(second.replaced_version == dispatcher_version());
  CHECK_FALSE(fs::exists(repo.root / ".git/hooks/pre-commit.factory-user"));
}

TEST_CASE("the dispatcher calls factory in the task worktree only") {
  TaskRepo repo;
  install_hook(repo.root, repo.wt, "t", repo.fake);
  CHECK(repo.commit_in(repo.root, "main.txt"));
  CHECK(repo.calls().empty());

  const fs::path other = repo.tmp.path / "other";
  repo.git("worktree add -q -b feature '" + other.string() + "'");
  CHECK(repo.commit_in(other, "other.txt"));
  CHECK(repo.calls().empty());

  CHECK_FALSE(repo.commit_in(repo.wt, "task.txt"));  // the fake factory blocks
  CHECK(repo.calls() == "hook pre-commit --task t\n");
}

TEST_CASE("an existing user hook is chained, still blocks, and comes back on uninstall") {
  TaskRepo repo;
  const fs::path hook = repo.root / ".git/hooks/pre-commit";
  const std::string user =
      "#!/bin/sh\necho user >>'" + repo.log.string() + "'\n[ ! -f \"$PWD/block-me\" ]\n";
  write_script(hook, user);

  auto r = install_hook(repo.root, repo.wt, "t", repo.fake);
  CHECK(r.chained);
  CHECK(r.chained_hook == repo.root / ".git/hooks/pre-commit.factory-user");
  CHECK(read_file(r.chained_hook) == user);

  CHECK(repo.commit_in(repo.root, "main.txt"));
  CHECK(repo.calls() == "user\n");
  write_file(repo.root / "block-me", "");
  CHECK_FALSE(repo.commit_in(repo.root, "blocked.txt"));

  auto u = uninstall_hook(repo.root);
  CHECK(u.removed);
  CHECK(u.restored_hook == hook);
  CHECK(read_file(hook) == user);
  CHECK(is_executable(hook));
  CHECK_FALSE(fs::exists(repo.root / ".git/hooks/pre-commit.factory-user"));
  CHECK_FALSE(fs::exists(repo.root / ".git/worktrees/t/factory-task"));
}

TEST_CASE(
    "core.hooksPath set before: factory's folder replaces it and passes other hooks through") {
  TaskRepo repo;
  write_script(repo.root / ".husky/commit-msg",
               "#!/bin/sh\necho commit-msg >>'" + repo.log.string() + "'\n");
  write_script(repo.root / ".husky/pre-commit",
               "#!/bin/sh\necho husky-pre-commit >>'" + repo.log.string() + "'\n");
  repo.git("config core.hooksPath .husky");

  auto r = install_hook(repo.root, repo.wt, "t", repo.fake);
  const fs::path own = repo.root / ".git/factory-hooks";
  CHECK(r.via_hooks_path);
  CHECK(r.chained);
  CHECK(r.hook_file == own / "pre-commit");
  CHECK(repo.git("config core.hooksPath") == own.string());
  CHECK(repo.git("config factory.previousHooksPath") == ".husky");
  CHECK(is_executable(own / "commit-msg"));
  CHECK(is_executable(own / "pre-push"));
  CHECK_FALSE(fs::exists(own / "push-to-checkout"));  // its presence alone changes git's push

  // From the linked worktree too, the relative .husky resolves to the main worktree's folder.
  CHECK_FALSE(repo.commit_in(repo.wt, "task.txt"));
  CHECK(repo.calls() == "husky-pre-commit\nhook pre-commit --task t\n");
  CHECK(repo.commit_in(repo.root, "main.txt"));
  CHECK(repo.calls() ==
        "husky-pre-commit\nhook pre-commit --task t\nhusky-pre-commit\ncommit-msg\n");

  CHECK_FALSE(install_hook(repo.root, repo.wt, "t", repo.fake).changed);

  auto u = uninstall_hook(repo.root);
  CHECK(u.hooks_path_restored);
  CHECK(u.hooks_path == ".husky");
  CHECK(repo.git("config core.hooksPath") == ".husky");
  CHECK_THROWS(repo.git("config factory.previousHooksPath"));
  CHECK_FALSE(fs::exists(own));
}

TEST_CASE("core.hooksPath from global config only: uninstall unsets the local override") {
  const std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "/";
  TaskRepo repo;
  fs::path shared = repo.tmp.path / "shared-hooks";
  fs::create_directories(shared);
  // libgit2 reads $HOME once; point its global config search path at a fake home instead.
  factory::vcs::testing::TempDir home;
  write_file(home.path / ".gitconfig", "[core]\n\thooksPath = " + shared.string() + "\n");
  factory::vcs::ensure_libgit2();
  git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, home.path.c_str());
  struct Restore {
    std::string home;
    ~Restore() {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, nullptr);
      setenv("HOME", home.c_str(), 1);
    }
  } restore{old_home};
  setenv("HOME", home.path.c_str(), 1);  // for the git CLI checks below
  auto r = install_dispatcher(repo.root, repo.fake);
  CHECK(r.via_hooks_path);
  CHECK(repo.git("config --local core.hooksPath") == (repo.root / ".git/factory-hooks").string());
  uninstall_hook(repo.root);
  CHECK_THROWS(repo.git("config --local --get core.hooksPath"));
  CHECK(repo.git("config core.hooksPath") == shared.string());
}

TEST_CASE("an older dispatcher or one baked with another binary is upgraded, not chained") {
  TaskRepo repo;
  const fs::path hook = repo.root / ".git/hooks/pre-commit";
  write_script(hook, "#!/bin/sh\n# factory-hook: pre-commit v0\nexec /old/factory hook\n");
  auto r = install_hook(repo.root, repo.wt, "t", repo.fake);
  CHECK(r.changed);
  CHECK_FALSE(r.chained);
  CHECK_FALSE(fs::exists(repo.root / ".git/hooks/pre-commit.factory-user"));
  CHECK(parse_marker(read_file(hook))->version == dispatcher_version());

  const fs::path moved = repo.tmp.path / "elsewhere" / "factory";
  write_script(moved, read_file(repo.fake));
  auto again = install_hook(repo.root, repo.wt, "t", moved);
  CHECK(again.changed);
  CHECK(again.replaced_version == dispatcher_version());
  CHECK(read_file(hook).find(moved.string()) != std::string::npos);
  CHECK(read_file(hook).find(repo.fake.string()) == std::string::npos);
}

TEST_CASE("the main worktree is never marked as a task's") {
  TaskRepo repo;
  CHECK_THROWS_AS(install_hook(repo.root, repo.root, "t", repo.fake), factory::core::Error);
  CHECK_THROWS_AS(mark_task_worktree(repo.root, "t"), factory::core::Error);
  CHECK_FALSE(fs::exists(repo.root / ".git/factory-task"));
}

TEST_CASE("uninstall without an install changes nothing") {
  TaskRepo repo;
  write_script(repo.root / ".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
  auto u = uninstall_hook(repo.root);
  CHECK_FALSE(u.removed);
  CHECK(read_file(repo.root / ".git/hooks/pre-commit") == "#!/bin/sh\nexit 0\n");
}
