#include <doctest/doctest.h>
#include <sys/stat.h>

#include "unit/test_vcs_repo.hpp"
#include "vcs/git_vcs.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;

namespace {

std::vector<std::string> paths_of(const std::vector<FileChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(std::string(1, c.kind) + " " + c.path);
  return out;
}

using Paths = std::vector<std::string>;

}  // namespace

TEST_CASE("a touched but unchanged file is no change") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  write_file(repo.root / "src/a.py", "def a():\n    return 1\n");  // same bytes, new mtime
  CHECK(vcs.changes(repo.root).empty());
  CHECK(vcs.content_tree_id(repo.root) == repo.git("rev-parse HEAD^{tree}"));
  CHECK_FALSE(vcs.commit_all(repo.root, "nothing"));
}

TEST_CASE("a same-size edit right after a commit is seen") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  write_file(repo.root / "s.txt", "aaaa\n");
  REQUIRE(vcs.commit_all(repo.root, "s"));
  write_file(repo.root / "s.txt", "bbbb\n");  // same size, very likely the same second
  CHECK(paths_of(vcs.changes(repo.root)) == Paths{"M s.txt"});
}

TEST_CASE("mode changes, symlinks and ignored directories") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  write_file(repo.root / ".gitignore", "*.log\nbuild/\n");
  repo.git("commit -q -am ignore-build");
  fs::permissions(repo.root / "src/a.py", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("src/a.py", repo.root / "link");
  write_file(repo.root / "build/out/obj.o", "ignored");
  CHECK(paths_of(vcs.changes(repo.root)) == Paths{"A link", "M src/a.py"});
  REQUIRE(vcs.commit_all(repo.root, "modes"));
  CHECK(repo.git("ls-files -s link src/a.py").substr(0, 6) == "120000");
  CHECK(repo.git("ls-files -s src/a.py").substr(0, 6) == "100755");
  CHECK(repo.status().empty());
}

TEST_CASE("a file that becomes a directory is committed and reverted") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  fs::remove(repo.root / "README");
  write_file(repo.root / "README/part.txt", "now a folder\n");
  auto tree = vcs.content_tree_id(repo.root);
  CHECK(tree != repo.git("rev-parse HEAD^{tree}"));
  CHECK(repo.git("diff --cached --name-only").empty());  // the index was left alone
  vcs.restore_to_head(repo.root);
  CHECK(repo.status().empty());
  CHECK(read_file(repo.root / "README") == "hello\n");

  fs::remove(repo.root / "README");
  write_file(repo.root / "README/part.txt", "now a folder\n");
  auto commit = vcs.commit_all(repo.root, "typechange");
  REQUIRE(commit);
  CHECK(repo.git("rev-parse HEAD^{tree}") == tree);
  CHECK(repo.status().empty());
}

TEST_CASE("the change is found with a version 4 index and with staged edits") {
  GitRepo repo;
  repo.git("update-index --index-version 4");
  GitVcs vcs(repo.root);
  write_file(repo.root / "src/deeper/c.py", "c\n");
  write_file(repo.root / "README", "staged\n");
  repo.git("add README");
  write_file(repo.root / "src/a.py", "edited\n");
  CHECK(paths_of(vcs.changes(repo.root)) == Paths{"M README", "M src/a.py", "A src/deeper/c.py"});
  auto tree = vcs.content_tree_id(repo.root);
  REQUIRE(vcs.commit_all(repo.root, "v4"));
  CHECK(repo.git("rev-parse HEAD^{tree}") == tree);
  CHECK(repo.status().empty());
}

TEST_CASE("discard_change saves, restores and lists the discarded files in one call") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  CHECK(vcs.discard_change(repo.root, "refs/factory/reverted/t/1", repo.tmp.path / "1.patch")
            .empty());
  CHECK(repo.git("for-each-ref refs/factory").empty());

  write_file(repo.root / "src/a.py", "def a():\n    return 7\n");
  write_file(repo.root / "tests/test_new.py", "def test():\n    pass\n");
  auto before = vcs.content_tree_id(repo.root);
  auto discarded =
      vcs.discard_change(repo.root, "refs/factory/reverted/t/1", repo.tmp.path / "1.patch");
  CHECK(paths_of(discarded) == Paths{"M src/a.py", "A tests/test_new.py"});
  CHECK(discarded[0].added_lines == 1);
  CHECK(discarded[0].removed_lines == 1);
  CHECK(repo.status().empty());
  CHECK_FALSE(fs::exists(repo.root / "tests"));
  CHECK(repo.git("rev-parse refs/factory/reverted/t/1^{tree}") == before);
  CHECK(read_file(repo.tmp.path / "1.patch").find("+    return 7") != std::string::npos);
  vcs.apply_saved(repo.root, "refs/factory/reverted/t/1");
  CHECK(vcs.content_tree_id(repo.root) == before);
}

TEST_CASE("nested repositories are not part of the change") {
  GitRepo repo;
  GitVcs vcs(repo.root);
  fs::create_directories(repo.root / "vendor/lib");
  sh("git -C '" + (repo.root / "vendor/lib").string() + "' init -q");
  write_file(repo.root / "vendor/lib/x.c", "int x;\n");
  CHECK(vcs.changes(repo.root).empty());
  vcs.restore_to_head(repo.root);
  CHECK(fs::exists(repo.root / "vendor/lib/x.c"));
}

TEST_CASE("a repository without commits gets its first commit") {
  TempDir tmp;
  sh("git -C '" + tmp.path.string() + "' init -q -b trunk");
  auto loc = locate(tmp.path);
  REQUIRE(loc);
  CHECK(loc->branch == "trunk");
  GitVcs vcs(tmp.path);
  CHECK_FALSE(vcs.commit_all(tmp.path, "empty"));
  write_file(tmp.path / "a.txt", "a\n");
  CHECK(paths_of(vcs.changes(tmp.path)) == Paths{"A a.txt"});
  auto commit = vcs.commit_all(tmp.path, "first");
  REQUIRE(commit);
  CHECK(trim(sh("git -C '" + tmp.path.string() + "' ls-files")) == "a.txt");
  CHECK(trim(sh("git -C '" + tmp.path.string() + "' status --porcelain")).empty());
}

TEST_CASE("with .gitattributes, content goes through git's filters") {
  GitRepo repo;
  write_file(repo.root / ".gitattributes", "*.txt text eol=crlf\n");
  repo.git("add .gitattributes");
  repo.git("commit -q -m attrs");
  GitVcs vcs(repo.root);
  write_file(repo.root / "w.txt", "one\r\ntwo\r\n");
  REQUIRE(vcs.commit_all(repo.root, "crlf"));
  CHECK(repo.git("cat-file -p HEAD:w.txt") == "one\ntwo");  // stored normalized
  CHECK(repo.status().empty());
  write_file(repo.root / "w.txt", "changed\r\n");
  vcs.restore_to_head(repo.root);
  CHECK(read_file(repo.root / "w.txt") == "one\r\ntwo\r\n");  // written back with CRLF
  CHECK(repo.status().empty());
}
