#include <doctest/doctest.h>

#include <deque>

#include "core/error.hpp"
#include "unit/test_vcs_repo.hpp"
#include "vcs/jj_parse.hpp"
#include "vcs/jj_vcs.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;
using factory::core::ProcessRequest;
using factory::core::ProcessResult;
using Argv = std::vector<std::string>;

namespace {

// Records every request and answers from a queue of canned results (exit 0, no output after).
struct FakeRunner : factory::core::ProcessRunner {
  std::vector<ProcessRequest> calls;
  std::deque<ProcessResult> replies;

  ProcessResult run(const ProcessRequest& request) override {
    calls.push_back(request);
    if (replies.empty()) return reply("");
    auto r = replies.front();
    replies.pop_front();
    return r;
  }
  static ProcessResult reply(std::string output, int exit_code = 0) {
    ProcessResult r;
    r.exit_code = exit_code;
    r.output = std::move(output);
    return r;
  }
  void then(std::string output, int exit_code = 0) {
    replies.push_back(reply(std::move(output), exit_code));
  }
  Argv argv(size_t i) const {  // without the fixed "jj --no-pager --color=never" prefix
    REQUIRE(i < calls.size());
    const auto& a = calls[i].argv;
    REQUIRE(a.size() >= 3);
    CHECK(a[0] == "jj");
    CHECK(a[1] == "--no-pager");
    CHECK(a[2] == "--color=never");
    return Argv(a.begin() + 3, a.end());
  }
};

const std::string k_commit = "0123456789abcdef0123456789abcdef01234567";
const Argv k_log_parent = {"log", "--no-graph", "-r", "@-", "-T", "commit_id ++ \"\\n\""};

struct JjFixture {
  TempDir tmp;
  fs::path main = tmp.path / "repo";
  fs::path ws = tmp.path / "repo.factory" / "t";
  FakeRunner runner;
  JjVcs vcs{main, runner};
  JjFixture() { fs::create_directories(main / ".jj"); }
};

}  // namespace

TEST_CASE("jj add_workspace runs workspace add at the base, makes the bookmark, reads the base") {
  JjFixture f;
  f.runner.then("Created workspace in \"../repo.factory/t\"\n");
  f.runner.then("");
  f.runner.then("Warning: something harmless\n" + k_commit + "\n");
  CHECK(f.vcs.add_workspace(f.ws, "factory/t", "") == k_commit);
  REQUIRE(f.runner.calls.size() == 3);
  CHECK(f.runner.argv(0) == Argv{"workspace", "add", "--name", "t", "-r", "@-", f.ws.string()});
  CHECK(f.runner.calls[0].cwd == f.main);
  CHECK(f.runner.argv(1) == Argv{"bookmark", "create", "factory/t", "-r", "@-"});
  CHECK(f.runner.calls[1].cwd == f.ws);
  CHECK(f.runner.argv(2) == k_log_parent);
  CHECK(fs::exists(f.ws.parent_path()));

  FakeRunner other;
  JjVcs vcs2(f.main, other);
  other.then("");
  other.then(k_commit + "\n");
  vcs2.add_workspace(f.tmp.path / "w2", "", "main");
  CHECK(other.argv(0) ==
        Argv{"workspace", "add", "--name", "w2", "-r", "main", (f.tmp.path / "w2").string()});
  CHECK(other.argv(1) == k_log_parent);  // no bookmark asked for, none made
}

TEST_CASE("jj commit_all commits in the workspace and moves the task bookmark") {
  JjFixture f;
  f.runner.then("");
  f.runner.then("");
  f.runner.then(k_commit + "\n");
  fs::create_directories(f.ws / ".jj");  // what the real `jj workspace add` creates
  f.vcs.add_workspace(f.ws, "factory/t", "");
  CHECK(read_file(f.ws / ".jj/factory-bookmark") == "factory/t\n");
  f.runner.calls.clear();

  f.runner.then("M src/a.py\nA src/b.py\n");
  f.runner.then("Working copy now at: abc\n");
  f.runner.then("");
  f.runner.then(k_commit + "\n");
  auto commit = f.vcs.commit_all(f.ws, "factory: implement..review passed\n\nFactory-Task: t\n");
  REQUIRE(commit);
  CHECK(*commit == k_commit);
  REQUIRE(f.runner.calls.size() == 4);
  CHECK(f.runner.argv(0) == Argv{"diff", "--summary"});
  CHECK(f.runner.argv(1) ==
        Argv{"commit", "-m", "factory: implement..review passed\n\nFactory-Task: t\n"});
  CHECK(f.runner.argv(2) == Argv{"bookmark", "set", "factory/t", "-r", "@-"});
  CHECK(f.runner.argv(3) == k_log_parent);
  for (const auto& call : f.runner.calls) CHECK(call.cwd == f.ws);
}

TEST_CASE("jj commit_all with no change runs no commit") {
  JjFixture f;
  f.runner.then("");
  CHECK_FALSE(f.vcs.commit_all(f.ws, "m"));
  CHECK(f.runner.calls.size() == 1);
}

TEST_CASE("jj commit_paths commits exactly the named files") {
  JjFixture f;
  f.runner.then("A tests/test_a.py\n");
  f.runner.then("");
  f.runner.then(k_commit + "\n");
  auto commit = f.vcs.commit_paths(f.ws, {"tests/test_a.py", "odd \"name\".py"},
                                   "factory: tdd-setup red confirmed");
  REQUIRE(commit);
  CHECK(f.runner.argv(0) == Argv{"diff", "--summary", "--", "root-file:\"tests/test_a.py\"",
                                 "root-file:\"odd \\\"name\\\".py\""});
  CHECK(f.runner.argv(1) == Argv{"commit", "-m", "factory: tdd-setup red confirmed", "--",
                                 "root-file:\"tests/test_a.py\"",
                                 "root-file:\"odd \\\"name\\\".py\""});
}

TEST_CASE("jj restore_to_head, head_commit, content_tree_id and operation_id") {
  JjFixture f;
  f.vcs.restore_to_head(f.ws);
  CHECK(f.runner.argv(0) == Argv{"restore"});
  CHECK(f.runner.calls[0].cwd == f.ws);

  f.runner.then(k_commit + "\n");
  CHECK(f.vcs.head_commit(f.ws) == k_commit);
  CHECK(f.runner.argv(1) == k_log_parent);

  f.runner.then(k_commit + "\n");
  CHECK(f.vcs.content_tree_id(f.ws) == k_commit);
  CHECK(f.runner.argv(2) == Argv{"log", "--no-graph", "-r", "@", "-T", "commit_id ++ \"\\n\""});

  f.runner.then("Concurrent modification detected, resolving automatically.\n3f2a91c0b7de\n");
  CHECK(f.vcs.operation_id(f.ws) == "3f2a91c0b7de");
  CHECK(f.runner.argv(3) ==
        Argv{"op", "log", "--no-graph", "-l", "1", "-T", "id.short() ++ \"\\n\""});
  CHECK(f.vcs.backend_name() == "jj");
}

TEST_CASE("jj changes combine --summary kinds with --git line counts") {
  JjFixture f;
  f.runner.then("M src/a.py\nA new.txt\nD old.txt\nR src/{x.py => y.py}\n");
  f.runner.then(
      "diff --git a/src/a.py b/src/a.py\nindex 1..2 100644\n--- a/src/a.py\n+++ b/src/a.py\n"
      "@@ -1,2 +1,3 @@\n line\n-old\n+new\n+more\n"
      "diff --git a/new.txt b/new.txt\nnew file mode 100644\nindex 0..1\n--- /dev/null\n+++ "
      "b/new.txt\n"
      "@@ -0,0 +1,1 @@\n+hello\n"
      "diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n+++ /dev/null\n"
      "@@ -1,2 +0,0 @@\n-a\n-b\n");
  auto changes = f.vcs.changes(f.ws);
  CHECK(f.runner.argv(0) == Argv{"diff", "--summary"});
  CHECK(f.runner.argv(1) == Argv{"diff", "--git"});
  REQUIRE(changes.size() == 5);
  CHECK(changes[0].path == "src/a.py");
  CHECK(changes[0].kind == 'M');
  CHECK(changes[0].added_lines == 2);
  CHECK(changes[0].removed_lines == 1);
  CHECK(changes[1].path == "new.txt");
  CHECK(changes[1].kind == 'A');
  CHECK(changes[1].added_lines == 1);
  CHECK(changes[2].path == "old.txt");
  CHECK(changes[2].removed_lines == 2);
  CHECK(changes[3].path == "src/x.py");
  CHECK(changes[3].kind == 'D');
  CHECK(changes[4].path == "src/y.py");
  CHECK(changes[4].kind == 'A');

  f.runner.then("");
  CHECK(f.vcs.changes_since(f.ws, k_commit).empty());
  CHECK(f.runner.argv(2) == Argv{"diff", "--summary", "--from", k_commit, "--to", "@"});
}

TEST_CASE("jj added_lines_since numbers the added lines of the new file") {
  JjFixture f;
  f.runner.then(
      "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -10,3 +10,4 @@ def f():\n ctx\n"
      "+# TODO later\n ctx\n-gone\n+print(x)\n"
      "diff --git a/img.png b/img.png\nnew file mode 100644\nBinary files /dev/null and b/img.png "
      "differ\n");
  auto added = f.vcs.added_lines_since(f.ws, "base");
  CHECK(f.runner.argv(0) == Argv{"diff", "--git", "--from", "base", "--to", "@"});
  REQUIRE(added.size() == 1);
  CHECK(added[0].path == "a.py");
  REQUIRE(added[0].lines.size() == 2);
  CHECK(added[0].lines[0] == std::pair<int, std::string>{11, "# TODO later"});
  CHECK(added[0].lines[1] == std::pair<int, std::string>{13, "print(x)"});
}

TEST_CASE("jj save_change writes the patch and keeps a duplicate under a bookmark") {
  JjFixture f;
  auto patch = f.tmp.path / "logs/t/reverted-1.patch";
  f.runner.then("diff --git a/a b/a\n+x\n");
  f.runner.then("Duplicated 8b7dbc5a9a49 as znkkpsqq 1c2e0a5f (no description set)\n");
  f.runner.then("");
  f.runner.then(k_commit + "\n");
  auto saved = f.vcs.save_change(f.ws, "refs/factory/reverted/t/1", patch);
  CHECK(saved.commit_id == k_commit);
  CHECK(saved.ref == "refs/factory/reverted/t/1");
  CHECK(read_file(patch) == "diff --git a/a b/a\n+x\n");
  CHECK(f.runner.argv(0) == Argv{"diff", "--git"});
  CHECK(f.runner.argv(1) == Argv{"duplicate", "@"});
  CHECK(f.runner.argv(2) ==
        Argv{"bookmark", "set", "factory/reverted/t/1", "--allow-backwards", "-r", "znkkpsqq"});
  CHECK(f.runner.argv(3) ==
        Argv{"log", "--no-graph", "-r", "znkkpsqq", "-T", "commit_id ++ \"\\n\""});
}

TEST_CASE("jj remove_workspace keeps the bookmark, forgets the workspace, deletes the bookmark") {
  JjFixture f;
  write_file(f.ws / "file", "x");
  f.vcs.remove_workspace(f.ws, "factory/t", "refs/factory/abandoned/t");
  REQUIRE(f.runner.calls.size() == 3);
  CHECK(f.runner.argv(0) == Argv{"bookmark", "set", "factory/abandoned/t", "--allow-backwards",
                                 "-r", "bookmarks(exact:\"factory/t\")"});
  CHECK(f.runner.argv(1) == Argv{"workspace", "forget", "t"});
  CHECK(f.runner.argv(2) == Argv{"bookmark", "delete", "factory/t"});
  for (const auto& call : f.runner.calls) CHECK(call.cwd == f.main);
  CHECK_FALSE(fs::exists(f.ws));
}

TEST_CASE("jj refs_with_prefix lists bookmarks in numeric order as refs") {
  JjFixture f;
  f.runner.then(
      "factory/reverted/t/10\nfactory/reverted/t/2\nfactory/reverted/t/1\nfactory/reverted/t/2\n");
  CHECK(f.vcs.refs_with_prefix("refs/factory/reverted/t/") == Argv{"refs/factory/reverted/t/1",
                                                                   "refs/factory/reverted/t/2",
                                                                   "refs/factory/reverted/t/10"});
  CHECK(f.runner.argv(0) ==
        Argv{"bookmark", "list", "-T", "name ++ \"\\n\"", "glob:factory/reverted/t/*"});
}

TEST_CASE("jj main_tree_dirty ignores .factory/") {
  JjFixture f;
  f.runner.then("A .factory/t/contract.yaml\n");
  CHECK_FALSE(f.vcs.main_tree_dirty());
  f.runner.then("A .factory/t/contract.yaml\nM src/a.py\n");
  CHECK(f.vcs.main_tree_dirty());
  CHECK(f.runner.calls[0].cwd == f.main);
}

TEST_CASE("jj failures become vcs errors naming the subcommand and the first output line") {
  JjFixture f;
  f.runner.then("M a\n");
  f.runner.then("Error: The working copy is stale\nHint: run jj workspace update-stale\n", 1);
  try {
    f.vcs.commit_all(f.ws, "m");
    FAIL("expected an error");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::vcs);
    CHECK(std::string(e.what()) == "jj commit failed: Error: The working copy is stale");
    CHECK(e.hint().find(f.ws.string()) != std::string::npos);
  }
  ProcessResult missing;
  missing.spawn_failed = true;
  f.runner.replies.push_back(missing);
  CHECK_THROWS_WITH_AS(f.vcs.restore_to_head(f.ws), doctest::Contains("not installed"),
                       factory::core::Error);
}

TEST_CASE("locate and open_vcs pick jj for a .jj repository and its secondary workspaces") {
  TempDir tmp;
  auto main = tmp.path / "repo";
  fs::create_directories(main / ".jj/repo/store");
  fs::create_directories(main / "src");
  auto loc = locate(main / "src");
  REQUIRE(loc);
  CHECK(loc->main_root == main);
  CHECK(loc->workspace_root == main);

  auto ws = tmp.path / "repo.factory/t";
  fs::create_directories(ws / ".jj");
  write_file(ws / ".jj/repo", (main / ".jj/repo").string());
  loc = locate(ws);
  REQUIRE(loc);
  CHECK(loc->main_root == main);
  CHECK(loc->workspace_root == ws);
  FakeRunner runner;
  auto vcs = open_vcs(*loc, runner);
  CHECK(vcs->backend_name() == "jj");
  CHECK(vcs->main_root() == main);

  write_file(ws / ".jj/repo", "../../../repo/.jj/repo");  // relative form
  loc = locate(ws);
  REQUIRE(loc);
  CHECK(loc->main_root == main);
}

TEST_CASE("jj summary parsing skips noise and splits renames") {
  auto c = parse_jj_summary("Warning: x\nM a b.txt\nR {old => new}/f.txt\nC a.txt => b.txt\n");
  REQUIRE(c.size() == 4);
  CHECK(c[0].path == "a b.txt");
  CHECK(c[1].path == "old/f.txt");
  CHECK(c[1].kind == 'D');
  CHECK(c[2].path == "new/f.txt");
  CHECK(c[3].path == "b.txt");
  CHECK(c[3].kind == 'A');
}

TEST_CASE("jj file_at lists the path at the commit first, then shows it") {
  JjFixture f;
  f.runner.then("Warning: harmless\nsub/requirements.txt\n");
  f.runner.then("requests==2.0\n");
  CHECK(f.vcs.file_at(f.ws, k_commit, "sub/requirements.txt") == "requests==2.0\n");
  REQUIRE(f.runner.calls.size() == 2);
  CHECK(f.runner.argv(0) ==
        Argv{"file", "list", "-r", k_commit, "--", "root-file:\"sub/requirements.txt\""});
  CHECK(f.runner.argv(1) ==
        Argv{"file", "show", "-r", k_commit, "--", "root-file:\"sub/requirements.txt\""});
  CHECK(f.runner.calls[1].cwd == f.ws);

  // A path the commit lacks: no `file show`, whose warning would pass for content.
  f.runner.then("Warning: No matching entries for paths: go.mod\n");
  CHECK_FALSE(f.vcs.file_at(f.ws, k_commit, "go.mod"));
  CHECK(f.runner.calls.size() == 3);
}
