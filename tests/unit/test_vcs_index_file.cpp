#include <doctest/doctest.h>

#include <sstream>

#include "unit/test_vcs_repo.hpp"
#include "vcs/git_handles.hpp"
#include "vcs/index_file.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;

namespace {

std::string joined_paths(const IndexSnapshot& s) {
  std::string out;
  for (const auto& e : s.entries) out += std::string(e.path) + "\n";
  return trim(out);
}

struct Opened {
  RepoPtr repo;
  TreePtr head;
  explicit Opened(const fs::path& root) {
    ensure_libgit2();
    git_repository* r = nullptr;
    REQUIRE(git_repository_open(&r, root.c_str()) == 0);
    repo.reset(r);
    git_object* obj = nullptr;
    REQUIRE(git_revparse_single(&obj, r, "HEAD^{tree}") == 0);
    head.reset(reinterpret_cast<git_tree*>(obj));
  }
};

}  // namespace

TEST_CASE("the index reader sees what git ls-files sees, in versions 2, 3 and 4") {
  GitRepo repo;
  for (int i = 0; i < 30; ++i)
    write_file(repo.root / ("dir" + std::to_string(i % 4)) / ("a-long-name-" + std::to_string(i)),
               "x");
  repo.git("add -A");
  repo.git("commit -q -m more");
  for (const char* version : {"2", "3", "4"}) {
    CAPTURE(version);
    repo.git(std::string("update-index --index-version ") + version);
    IndexSnapshot snap;
    REQUIRE(read_index_file(repo.root / ".git/index", snap));
    CHECK(joined_paths(snap) == repo.git("ls-files"));
    Opened o(repo.root);
    CHECK(index_matches_tree(o.repo.get(), snap, o.head.get()) == (snap.tree != nullptr));
  }
}

TEST_CASE("index_matches_tree notices a staged change, also under an invalidated cache") {
  GitRepo repo;
  Opened o(repo.root);
  IndexSnapshot snap;
  REQUIRE(read_index_file(repo.root / ".git/index", snap));
  REQUIRE(snap.tree);
  CHECK(index_matches_tree(o.repo.get(), snap, o.head.get()));

  write_file(repo.root / "src/a.py", "staged\n");
  repo.git("add src/a.py");
  REQUIRE(read_index_file(repo.root / ".git/index", snap));
  CHECK_FALSE(index_matches_tree(o.repo.get(), snap, o.head.get()));

  repo.git("checkout -q HEAD -- src/a.py");  // back to HEAD, cache entries stay invalidated
  REQUIRE(read_index_file(repo.root / ".git/index", snap));
  if (snap.tree) CHECK(index_matches_tree(o.repo.get(), snap, o.head.get()));
}

TEST_CASE("the index reader refuses what it does not understand") {
  TempDir tmp;
  IndexSnapshot snap;
  write_file(tmp.path / "index", "not an index at all, just some bytes here");
  CHECK_FALSE(read_index_file(tmp.path / "index", snap));
  CHECK(read_index_file(tmp.path / "missing", snap));  // no index yet: nothing tracked
  CHECK(snap.entries.empty());
}
