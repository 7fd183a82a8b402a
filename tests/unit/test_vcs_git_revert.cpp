#include <doctest/doctest.h>

#include "core/error.hpp"
#include "unit/test_vcs_repo.hpp"
#include "vcs/git_vcs.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;

TEST_CASE("save_change keeps the change, restore_to_head discards it, apply_saved brings it back") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  auto head = repo.git("rev-parse HEAD");
  write_file(repo.root / "src/a.py", "def a():\n    return 42\n");
  write_file(repo.root / "src/deep/new/b.py", "brand new\n");
  write_file(repo.root / "build.log", "ignored byproduct\n");
  fs::remove(repo.root / "README");
  auto before = vcs.content_tree_id(repo.root);

  auto patch = repo.tmp.path / "logs/t/revert-1.patch";
  auto saved = vcs.save_change(repo.root, "refs/factory/reverted/t/1", patch);
  CHECK(saved.ref == "refs/factory/reverted/t/1");
  CHECK(repo.git("rev-parse refs/factory/reverted/t/1") == saved.commit_id);
  CHECK(repo.git("rev-parse refs/factory/reverted/t/1^{tree}") == before);
  CHECK(repo.git("rev-parse refs/factory/reverted/t/1~1") == head);
  CHECK(repo.git("rev-parse HEAD") == head);  // no branch moved
  auto text = read_file(patch);
  CHECK(text.find("diff --git a/src/a.py b/src/a.py") != std::string::npos);
  CHECK(text.find("+    return 42") != std::string::npos);
  CHECK(text.find("src/deep/new/b.py") != std::string::npos);
  CHECK(text.find("deleted file mode") != std::string::npos);
  CHECK(text.find("build.log") == std::string::npos);
  CHECK(repo.status() == " D README\n M src/a.py\n?? src/deep/");  // saving changed nothing

  vcs.restore_to_head(repo.root);
  CHECK(repo.status().empty());
  CHECK(read_file(repo.root / "src/a.py") == "def a():\n    return 1\n");
  CHECK(read_file(repo.root / "README") == "hello\n");
  CHECK_FALSE(fs::exists(repo.root / "src/deep"));
  CHECK(fs::exists(repo.root / "src"));
  CHECK(read_file(repo.root / "build.log") == "ignored byproduct\n");

  vcs.apply_saved(repo.root, saved.ref);
  CHECK(vcs.content_tree_id(repo.root) == before);
  CHECK(read_file(repo.root / "src/deep/new/b.py") == "brand new\n");
  CHECK_FALSE(fs::exists(repo.root / "README"));
}

TEST_CASE("restore_to_head also undoes staged changes") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  write_file(repo.root / "staged.txt", "staged new\n");
  write_file(repo.root / "README", "staged edit\n");
  repo.git("add staged.txt README");
  write_file(repo.root / "README", "hello\n");  // working file back to HEAD, index still differs
  vcs.restore_to_head(repo.root);
  CHECK(repo.status().empty());
  CHECK_FALSE(fs::exists(repo.root / "staged.txt"));
}

TEST_CASE("apply_saved refuses a change that no longer applies") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  write_file(repo.root / "src/a.py", "def a():\n    return 42\n");
  auto saved = vcs.save_change(repo.root, "refs/factory/reverted/t/1", repo.tmp.path / "p.patch");
  vcs.restore_to_head(repo.root);
  write_file(repo.root / "src/a.py", "something else entirely\n");
  try {
    vcs.apply_saved(repo.root, saved.ref);
    FAIL("expected an error");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::vcs);
    CHECK(std::string(e.what()).find("does not apply cleanly") != std::string::npos);
    CHECK(e.hint().find("refs/factory/reverted/t/1") != std::string::npos);
  }
  CHECK(read_file(repo.root / "src/a.py") == "something else entirely\n");
}

TEST_CASE("a task workspace round trip: commit, revert and remove keeping the last commit") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  auto ws = repo.tmp.path / "repo.factory" / "t";
  auto base = vcs.add_workspace(ws, "factory/t", "");
  write_file(ws / "src/a.py", "def a():\n    return 5\n");
  auto commit = vcs.commit_all(ws, "factory: implement..review passed");
  REQUIRE(commit);
  CHECK(repo.git("rev-parse factory/t") == *commit);
  CHECK(repo.git("rev-parse main") == base);

  write_file(ws / "oops.py", "broken\n");
  vcs.save_change(ws, "refs/factory/reverted/t/1", repo.tmp.path / "logs/1.patch");
  vcs.restore_to_head(ws);
  CHECK(repo.status(ws).empty());

  vcs.remove_workspace(ws, "factory/t", "refs/factory/abandoned/t");
  CHECK_FALSE(fs::exists(ws));
  CHECK(repo.git("rev-parse refs/factory/abandoned/t") == *commit);
  CHECK(repo.git("branch --list factory/t").empty());
  CHECK(repo.git("worktree list --porcelain").find("repo.factory") == std::string::npos);
  CHECK(repo.git("rev-parse refs/factory/reverted/t/1~1") == *commit);
}

TEST_CASE("remove_workspace without keep_ref leaves no ref behind") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  auto ws = repo.tmp.path / "ws" / "u";
  vcs.add_workspace(ws, "factory/u", "");
  vcs.remove_workspace(ws, "factory/u", "");
  CHECK_FALSE(fs::exists(ws));
  CHECK(repo.git("for-each-ref refs/factory").empty());
  CHECK(repo.git("branch --list factory/u").empty());
}

TEST_CASE("refs_with_prefix lists refs in numeric order") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  CHECK(vcs.refs_with_prefix("refs/factory/reverted/t/").empty());
  for (const char* n : {"1", "10", "2"}) {
    repo.git(std::string("update-ref refs/factory/reverted/t/") + n + " HEAD");
  }
  repo.git("update-ref refs/factory/reverted/other/3 HEAD");
  CHECK(vcs.refs_with_prefix("refs/factory/reverted/t/") ==
        std::vector<std::string>{"refs/factory/reverted/t/1", "refs/factory/reverted/t/2",
                                 "refs/factory/reverted/t/10"});
}

TEST_CASE("ensure_excluded keeps one factory block and is idempotent") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  auto exclude = repo.root / ".git/info/exclude";
  write_file(exclude, "# user line\nsecret.txt\n");
  vcs.ensure_excluded({"__pycache__/", ".pytest_cache/"});
  auto once = read_file(exclude);
  vcs.ensure_excluded({"__pycache__/", ".pytest_cache/"});
  CHECK(read_file(exclude) == once);
  CHECK(once ==
        "# user line\nsecret.txt\n# >>> factory byproducts\n__pycache__/\n.pytest_cache/\n"
        "# <<< factory byproducts\n");
  vcs.ensure_excluded({"target/", "__pycache__/"});
  CHECK(read_file(exclude) ==
        "# user line\nsecret.txt\n# >>> factory byproducts\n__pycache__/\n.pytest_cache/\n"
        "target/\n# <<< factory byproducts\n");

  write_file(repo.root / "pkg/__pycache__/m.pyc", "bytecode");
  CHECK(repo.status().empty());
}

TEST_CASE("ensure_excluded from a linked worktree writes the shared exclude file") {
  GitRepo repo;
  auto ws = repo.tmp.path / "w" / "t";
  GitVcs(repo.root).add_workspace(ws, "factory/t", "");
  auto loc = locate(ws);
  REQUIRE(loc);
  GitVcs(loc->main_root).ensure_excluded({"target/"});
  CHECK(read_file(repo.root / ".git/info/exclude").find("target/\n") != std::string::npos);
  write_file(ws / "target/debug/bin", "x");
  CHECK(repo.status(ws).empty());
}

TEST_CASE("main_tree_dirty does not count factory's own files") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  CHECK_FALSE(vcs.main_tree_dirty());
  write_file(repo.root / ".factory/state.db", "db");
  write_file(repo.root / ".factory/t/contract.yaml", "x: 1\n");
  write_file(repo.root / "x.log", "ignored");
  CHECK_FALSE(vcs.main_tree_dirty());
  write_file(repo.root / "README", "edited\n");
  CHECK(vcs.main_tree_dirty());
  repo.git("checkout -q README");
  write_file(repo.root / "notes.txt", "new\n");
  CHECK(vcs.main_tree_dirty());
}
