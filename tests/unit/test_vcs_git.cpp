#include <doctest/doctest.h>

#include "core/error.hpp"
#include "unit/test_vcs_repo.hpp"
#include "vcs/git_vcs.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;

namespace {

// Reports every request as failed: the git backend must never need a process.
struct NoProcesses : factory::core::ProcessRunner {
  factory::core::ProcessResult run(const factory::core::ProcessRequest&) override {
    FAIL("the git backend ran a process");
    return {};
  }
};

}  // namespace

TEST_CASE("locate finds the repository from a subdirectory") {
  GitRepo repo;
  auto loc = locate(repo.root / "src");
  REQUIRE(loc);
  CHECK(loc->main_root == repo.root);
  CHECK(loc->workspace_root == repo.root);
  CHECK(loc->branch == "main");
}

TEST_CASE("locate outside any repository finds nothing") {
  TempDir tmp;
  CHECK_FALSE(locate(tmp.path));
}

TEST_CASE("locate from a linked worktree points main_root at the main repository") {
  GitRepo repo;
  auto wt = repo.tmp.path / "wt";
  repo.git("worktree add -q -b feature '" + wt.string() + "'");
  fs::create_directories(wt / "deep/dir");
  auto loc = locate(wt / "deep/dir");
  REQUIRE(loc);
  CHECK(loc->main_root == repo.root);
  CHECK(loc->workspace_root == wt);
  CHECK(loc->branch == "feature");
  NoProcesses runner;
  auto vcs = open_vcs(*loc, runner);
  CHECK(vcs->backend_name() == "git");
  CHECK(vcs->main_root() == repo.root);
}

TEST_CASE("add_workspace creates a worktree on a new branch at the base") {
  GitRepo repo;
  auto first = repo.git("rev-parse HEAD");
  write_file(repo.root / "README", "second\n");
  repo.git("commit -q -am second");
  GitVcs vcs(repo.root);

  auto ws = repo.tmp.path / "repo.factory" / "x";
  auto base = vcs.add_workspace(ws, "factory/x", "");
  CHECK(base == repo.git("rev-parse HEAD"));
  CHECK(repo.git("rev-parse --abbrev-ref HEAD", ws) == "factory/x");
  CHECK(read_file(ws / "README") == "second\n");
  CHECK(vcs.head_commit(ws) == base);
  auto loc = locate(ws);
  REQUIRE(loc);
  CHECK(loc->main_root == repo.root);
  CHECK(loc->branch == "factory/x");

  auto old = vcs.add_workspace(repo.tmp.path / "repo.factory" / "y", "factory/y", first);
  CHECK(old == first);
  CHECK(read_file(repo.tmp.path / "repo.factory/y/README") == "hello\n");

  CHECK_THROWS_AS(vcs.add_workspace(repo.tmp.path / "z", "factory/x", ""), factory::core::Error);
  CHECK_THROWS_AS(vcs.add_workspace(repo.tmp.path / "w", "factory/w", "nope"),
                  factory::core::Error);
  CHECK(repo.git("branch --list factory/w").empty());
}

TEST_CASE("content_tree_id follows the contents, not the index file") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  auto clean = vcs.content_tree_id(repo.root);
  CHECK(clean == repo.git("rev-parse HEAD^{tree}"));
  CHECK(vcs.content_tree_id(repo.root) == clean);

  auto index_before = read_file(repo.root / ".git/index");
  auto mtime_before = fs::last_write_time(repo.root / ".git/index");

  write_file(repo.root / "debug.log", "ignored\n");
  CHECK(vcs.content_tree_id(repo.root) == clean);

  write_file(repo.root / "new/file.txt", "untracked\n");
  auto with_new = vcs.content_tree_id(repo.root);
  CHECK(with_new != clean);
  write_file(repo.root / "src/a.py", "changed\n");
  auto with_edit = vcs.content_tree_id(repo.root);
  CHECK(with_edit != with_new);
  fs::remove(repo.root / "README");
  auto with_delete = vcs.content_tree_id(repo.root);
  CHECK(with_delete != with_edit);

  // Putting the same contents back gives the same id again.
  write_file(repo.root / "README", "hello\n");
  CHECK(vcs.content_tree_id(repo.root) == with_edit);
  write_file(repo.root / "src/a.py", "def a():\n    return 1\n");
  fs::remove_all(repo.root / "new");
  CHECK(vcs.content_tree_id(repo.root) == clean);

  CHECK(read_file(repo.root / ".git/index") == index_before);
  CHECK(fs::last_write_time(repo.root / ".git/index") == mtime_before);
  CHECK(repo.git("diff --cached --name-only").empty());
}

TEST_CASE("commit_all commits modified, new and deleted files") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  CHECK_FALSE(vcs.commit_all(repo.root, "nothing"));
  auto head = repo.git("rev-parse HEAD");

  write_file(repo.root / "src/a.py", "def a():\n    return 2\n");
  write_file(repo.root / "src/b.py", "def b():\n    pass\n");
  write_file(repo.root / "out.log", "ignored\n");
  fs::remove(repo.root / "README");
  auto tree = vcs.content_tree_id(repo.root);

  auto commit = vcs.commit_all(repo.root, "factory: implement..review passed\n\nFactory-Task: t\n");
  REQUIRE(commit);
  CHECK(*commit == repo.git("rev-parse HEAD"));
  CHECK(repo.git("rev-parse HEAD~1") == head);
  CHECK(repo.git("rev-parse HEAD^{tree}") == tree);
  CHECK(repo.git("log -1 --format=%s") == "factory: implement..review passed");
  CHECK(repo.git("log -1 --format=%an") == "Tester");
  CHECK(repo.git("show --name-status --format= HEAD") == "D\tREADME\nM\tsrc/a.py\nA\tsrc/b.py");
  CHECK(repo.status().empty());
  CHECK(fs::exists(repo.root / "out.log"));
  CHECK_FALSE(vcs.commit_all(repo.root, "again"));
  CHECK(repo.git("rev-parse HEAD") == *commit);
}

TEST_CASE("commit_paths commits only the given files and leaves the rest in the working tree") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  write_file(repo.root / "tests/test_a.py", "def test_a():\n    assert False\n");
  write_file(repo.root / "src/a.py", "def a():\n    return 3\n");
  write_file(repo.root / "src/new.py", "x = 1\n");

  CHECK_FALSE(vcs.commit_paths(repo.root, {"README"}, "no change"));
  auto commit =
      vcs.commit_paths(repo.root, {"tests/test_a.py"}, "factory: tdd-setup red confirmed");
  REQUIRE(commit);
  CHECK(repo.git("show --name-status --format= HEAD") == "A\ttests/test_a.py");
  CHECK(repo.git("show HEAD:src/a.py") == "def a():\n    return 1");
  CHECK(read_file(repo.root / "src/a.py") == "def a():\n    return 3\n");
  CHECK(repo.status() == " M src/a.py\n?? src/new.py");
}

TEST_CASE("changes and added_lines_since describe the change with line counts") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  auto base = repo.git("rev-parse HEAD");
  CHECK(vcs.changes(repo.root).empty());
  write_file(repo.root / "src/a.py", "def a():\n    return 1\n# TODO fix\nprint(1)\n");
  write_file(repo.root / "pkg/new.py", "one\ntwo\n");
  write_file(repo.root / "blob.bin", std::string("\0\1\2\3", 4));
  write_file(repo.root / "x.log", "ignored\n");
  fs::remove(repo.root / "README");

  auto changes = vcs.changes(repo.root);
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].path == "README");
  CHECK(changes[0].kind == 'D');
  CHECK(changes[0].removed_lines == 1);
  CHECK(changes[1].path == "blob.bin");
  CHECK(changes[1].kind == 'A');
  CHECK(changes[1].added_lines == -1);
  CHECK(changes[2].path == "pkg/new.py");
  CHECK(changes[2].kind == 'A');
  CHECK(changes[2].added_lines == 2);
  CHECK(changes[3].path == "src/a.py");
  CHECK(changes[3].kind == 'M');
  CHECK(changes[3].added_lines == 2);
  CHECK(changes[3].removed_lines == 0);

  // Committed work still counts against an older base.
  vcs.commit_all(repo.root, "wip");
  CHECK(vcs.changes(repo.root).empty());
  CHECK(vcs.changes_since(repo.root, base).size() == 4);
  auto added = vcs.added_lines_since(repo.root, base);
  REQUIRE(added.size() == 2);
  CHECK(added[0].path == "pkg/new.py");
  CHECK(added[1].path == "src/a.py");
  REQUIRE(added[1].lines.size() == 2);
  CHECK(added[1].lines[0] == std::pair<int, std::string>{3, "# TODO fix"});
  CHECK(added[1].lines[1] == std::pair<int, std::string>{4, "print(1)"});
}

TEST_CASE("file_at reads a file as a commit has it, nothing for a path it lacks") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  write_file(repo.root / "deps/requirements.txt", "requests==2.0\n");
  repo.git("add -A");
  repo.git("commit -q -m deps");
  auto base = repo.git("rev-parse HEAD");
  write_file(repo.root / "deps/requirements.txt", "requests==2.31\nrich\n");
  vcs.commit_all(repo.root, "bump");

  CHECK(vcs.file_at(repo.root, base, "deps/requirements.txt") == "requests==2.0\n");
  CHECK(vcs.file_at(repo.root, "HEAD", "deps/requirements.txt") == "requests==2.31\nrich\n");
  CHECK_FALSE(vcs.file_at(repo.root, base, "go.mod"));
  CHECK_FALSE(vcs.file_at(repo.root, base, "deps"));  // a folder is no file
  CHECK_THROWS_AS(vcs.file_at(repo.root, "nope", "README"), factory::core::Error);
}
