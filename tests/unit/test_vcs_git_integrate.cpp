#include <doctest/doctest.h>

#include "core/error.hpp"
#include "unit/test_vcs_repo.hpp"
#include "vcs/git_vcs.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;

namespace {

// A repository with a task worktree on branch factory/t whose one commit changes src/a.py.
struct TaskRepo {
  GitRepo repo;
  fs::path ws = repo.tmp.path / "repo.factory" / "t";
  std::string base;

  TaskRepo() {
    GitVcs vcs(repo.root);
    base = vcs.add_workspace(ws, "factory/t", "");
    write_file(ws / "src/a.py", "def a():\n    return 2\n");
    repo.git("commit -q -am 'task change'", ws);
  }

  IntegrateRequest request(bool squash = true) const {
    return {"factory/t", squash, "t: integrate\n\nFactory-Task: t\n"};
  }
};

}  // namespace

TEST_CASE("integrate squashes the task onto the base branch and updates the main worktree") {
  TaskRepo t;
  GitVcs vcs(t.repo.root);
  auto done = vcs.integrate(t.request());
  CHECK(done.branch == "main");
  CHECK(done.previous_head == t.base);
  CHECK(t.repo.git("rev-parse main") == done.commit_id);
  CHECK(t.repo.git("rev-parse main^") == t.base);
  CHECK(t.repo.git("rev-list --count main") == "2");  // one new commit, a single parent
  CHECK(t.repo.git("log -1 --format=%B main").find("Factory-Task: t") != std::string::npos);
  CHECK(read_file(t.repo.root / "src/a.py") == "def a():\n    return 2\n");
  CHECK(t.repo.status().empty());  // files and index match the new commit
  CHECK(t.repo.git("reflog -1 --format=%gs main") == "factory deploy: factory/t");

  // a second integration of the same squash would be an empty commit: refused
  CHECK_THROWS_WITH_AS(vcs.integrate(t.request()), doctest::Contains("already has every change"),
                       factory::core::Error);
  CHECK(t.repo.git("rev-parse main") == done.commit_id);
}

TEST_CASE("integrate merges in a base that moved elsewhere, and can make a merge commit") {
  TaskRepo t;
  write_file(t.repo.root / "README", "hello again\n");
  t.repo.git("commit -q -am 'base moves'");
  GitVcs vcs(t.repo.root);
  auto done = vcs.integrate(t.request(false));
  CHECK(t.repo.git("rev-parse " + done.commit_id + "^2") == t.repo.git("rev-parse factory/t"));
  CHECK(read_file(t.repo.root / "README") == "hello again\n");
  CHECK(read_file(t.repo.root / "src/a.py") == "def a():\n    return 2\n");
  CHECK(t.repo.status().empty());
}

TEST_CASE("integrate refuses a conflicting base, a dirty main worktree and an empty task") {
  TaskRepo t;
  GitVcs vcs(t.repo.root);
  auto refused = [&](const std::string& what) {
    auto before = t.repo.git("rev-parse main");
    try {
      vcs.integrate(t.request());
      FAIL("integrate went ahead");
    } catch (const factory::core::Error& e) {
      CHECK(e.code() == factory::core::ExitCode::blocked);
      CHECK(std::string(e.what()).find(what) != std::string::npos);
      CHECK(std::string(e.what()).find("nothing was integrated") != std::string::npos);
    }
    CHECK(t.repo.git("rev-parse main") == before);
  };

  write_file(t.repo.root / "README", "local edit\n");
  refused("uncommitted changes");
  CHECK(read_file(t.repo.root / "README") == "local edit\n");
  t.repo.git("checkout -q -- README");

  // a file factory itself writes there (the flag file) is no uncommitted work of the person's
  write_file(t.repo.root / "flags.json", "{}\n");
  auto request = t.request();
  request.not_dirty = {"flags.json"};
  auto other = GitVcs(t.repo.root).integrate(request);
  CHECK(read_file(t.repo.root / "flags.json") == "{}\n");
  CHECK(t.repo.git("rev-parse main") == other.commit_id);
  t.repo.git("reset -q --hard HEAD~1");
  fs::remove(t.repo.root / "flags.json");

  write_file(t.repo.root / "src/a.py", "def a():\n    return 3\n");
  t.repo.git("commit -q -am 'base changes the same line'");
  refused("src/a.py");
  CHECK(read_file(t.repo.root / "src/a.py") == "def a():\n    return 3\n");
  CHECK(t.repo.status().empty());

  t.repo.git("reset -q --hard HEAD~1");
  t.repo.git("merge -q --no-edit factory/t");
  refused("nothing that 'main' lacks");
}
