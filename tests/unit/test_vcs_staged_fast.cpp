// The libgit2-free reader behind factory-hook must give exactly libgit2's answer (compared with
// staged_changes_from_env on real repositories made with the git CLI), or no answer at all.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include "unit/test_vcs_repo.hpp"
#include "vcs/git_hooks.hpp"
#include "vcs/object_reader.hpp"
#include "vcs/staged_fast.hpp"

using namespace factory::vcs;
using namespace factory::vcs::testing;

namespace {

// A hook's view: run from `dir` with no GIT_* variables but the ones a test sets.
struct HookEnv {
  EnvGuard env;
  fs::path old = fs::current_path();
  explicit HookEnv(const fs::path& dir) {
    for (const char* name : {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
                             "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "GIT_NAMESPACE"}) {
      env.set(name, nullptr);
    }
    fs::current_path(dir);
  }
  ~HookEnv() { fs::current_path(old); }
};

// One line per change: "<kind> <path>[ -> <link target>]", in the order reported.
std::string describe(const StagedChanges& staged) {
  std::string out;
  for (const auto& c : staged.changes) {
    out += std::string(1, c.kind) + " " + c.path;
    if (c.symlink_target) out += " -> " + *c.symlink_target;
    out += "\n";
  }
  return out;
}

// Both readers, from the hook environment already set up; the fast one must answer and agree.
std::string same_answer() {
  StagedChanges slow = staged_changes_from_env();
  std::string why;
  auto fast = staged_changes_fast(&why);
  INFO("fast reader: " << why);
  REQUIRE(fast.has_value());
  CHECK(fast->main_root == slow.main_root);
  CHECK(fast->workspace_root == slow.workspace_root);
  CHECK(fast->git_dir == slow.git_dir);
  CHECK(fast->branch == slow.branch);
  CHECK(describe(*fast) == describe(slow));
  return describe(*fast);
}

// The reader's reason for not answering; fails when it answers.
std::string unsupported_because() {
  std::string why;
  auto fast = staged_changes_fast(&why);
  CHECK_FALSE(fast.has_value());
  return why;
}

// A repository with many kinds of staged change: modified, added in new folders, deleted,
// an executable bit, a file that became a symlink and one that became a folder.
void stage_mixed_changes(const GitRepo& repo) {
  write_file(repo.root / "lib/util.py", "u = 1\n");
  write_file(repo.root / "lib/deep/x.txt", "x\n");
  write_file(repo.root / "tool.sh", "#!/bin/sh\n");
  write_file(repo.root / "becomes-link", "plain\n");
  write_file(repo.root / "becomes-dir", "plain\n");
  repo.git("add -A");
  repo.git("commit -q -m more");
  write_file(repo.root / "README", "changed\n");
  write_file(repo.root / "docs/new.md", "new\n");
  write_file(repo.root / "lib/deep/y.txt", "y\n");
  repo.git("rm -q lib/util.py");
  fs::remove(repo.root / "becomes-link");
  fs::create_symlink("README", repo.root / "becomes-link");
  fs::remove(repo.root / "becomes-dir");
  write_file(repo.root / "becomes-dir/inside", "i\n");
  repo.git("add -A");
  repo.git("update-index --chmod=+x tool.sh");
}

}  // namespace

TEST_CASE("fast reader: loose objects, every kind of change, from a subfolder") {
  GitRepo repo;
  stage_mixed_changes(repo);
  HookEnv hook(repo.root / "lib");
  std::string changes = same_answer();
  CHECK(changes.find("D becomes-link\nA becomes-link -> README\n") != std::string::npos);
  CHECK(changes.find("M tool.sh") != std::string::npos);
  CHECK(changes.find("D lib/util.py") != std::string::npos);
}

TEST_CASE("fast reader: nothing staged, right after a commit") {
  GitRepo repo;
  HookEnv hook(repo.root);
  CHECK(same_answer().empty());
}

TEST_CASE("fast reader: everything packed after git gc, deltas included") {
  GitRepo repo;
  std::string big;
  for (int i = 0; i < 4000; ++i) big += "line " + std::to_string(i) + " of a large file\n";
  for (int v = 0; v < 6; ++v) {
    write_file(repo.root / "src/big.txt", big + "version " + std::to_string(v) + "\n");
    write_file(repo.root / ("src/v" + std::to_string(v) + ".py"), "v\n");
    repo.git("add -A");
    repo.git("commit -q -m v" + std::to_string(v));
  }
  fs::create_symlink("src/a.py", repo.root / "staged-link");  // its blob gets packed too
  repo.git("add staged-link");
  repo.git("gc -q");
  const fs::path pack_dir = repo.root / ".git/objects/pack";
  std::string idx;
  for (const auto& e : fs::directory_iterator(pack_dir)) {
    if (e.path().extension() == ".idx") idx = e.path().string();
  }
  REQUIRE(!idx.empty());
  const std::string verify = repo.git("verify-pack -v '" + idx + "'");
  REQUIRE(verify.find("chain length = 1") != std::string::npos);  // git made deltas

  SUBCASE("every packed object reads back as git cat-file shows it") {
    // verify-pack -v: "<id> <type> <size> <size in pack> <offset> [<depth> <base id>]".
    ObjectReader db(repo.root / ".git/objects");
    std::istringstream lines(verify);
    std::string line, ids;
    int deltas = 0;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::vector<std::string> f;
      for (std::string w; fields >> w;) f.push_back(w);
      if (f.size() < 5 || f[0].size() != 40) continue;
      if (f.size() == 7) ++deltas;
      ids += f[0] + "\n";
    }
    write_file(repo.tmp.path / "ids", ids);
    std::istringstream expected(sh("git -C '" + repo.root.string() + "' cat-file --batch-check <'" +
                                   (repo.tmp.path / "ids").string() + "'"));
    int objects = 0;
    for (std::string hex, type, size; expected >> hex >> type >> size; ++objects) {
      Object obj = db.read(oid_from_hex(hex));
      CHECK(obj.data.size() == std::stoul(size));
      CHECK(static_cast<int>(obj.type) == (type == "commit" ? 1
                                           : type == "tree" ? 2
                                           : type == "blob" ? 3
                                                            : 4));
      if (type != "commit") {
        CHECK(obj.data == sh("git -C '" + repo.root.string() + "' cat-file " +
                             (type == "blob" ? "blob " : "tree ") + hex));
      }
    }
    CHECK(objects > 20);
    CHECK(deltas > 0);
  }

  SUBCASE("a staged change against a packed HEAD") {
    write_file(repo.root / "src/big.txt", big + "staged\n");
    write_file(repo.root / "README", "changed\n");
    repo.git("add -A");
    HookEnv hook(repo.root);
    std::string changes = same_answer();
    CHECK(changes.find("A staged-link -> src/a.py") != std::string::npos);
    CHECK(changes.find("M src/big.txt") != std::string::npos);
  }
}

TEST_CASE("fast reader: the branch only in packed-refs, and a detached HEAD") {
  GitRepo repo;
  write_file(repo.root / "README", "changed\n");
  repo.git("add README");
  repo.git("pack-refs --all");
  REQUIRE_FALSE(fs::exists(repo.root / ".git/refs/heads/main"));
  {
    HookEnv hook(repo.root);
    CHECK(same_answer() == "M README\n");
  }
  repo.git("checkout -q --detach");
  HookEnv hook(repo.root);
  CHECK(same_answer() == "M README\n");
}

TEST_CASE("fast reader: an unborn branch compares with the empty tree") {
  TempDir tmp;
  sh("git init -q -b main '" + tmp.path.string() + "'");
  write_file(tmp.path / "a.txt", "a\n");
  write_file(tmp.path / "d/b.txt", "b\n");
  sh("git -C '" + tmp.path.string() + "' add -A");
  HookEnv hook(tmp.path);
  CHECK(same_answer() == "A a.txt\nA d/b.txt\n");
}

TEST_CASE("fast reader: a linked worktree, with GIT_DIR as git sets it for hooks and without") {
  GitRepo repo;
  const fs::path wt = repo.tmp.path / "wt";
  repo.git("worktree add -q -b feature '" + wt.string() + "'");
  write_file(wt / "src/a.py", "changed\n");
  write_file(wt / "new.txt", "n\n");
  repo.git("add -A", wt);
  {
    HookEnv hook(wt);
    CHECK(same_answer() == "A new.txt\nM src/a.py\n");
  }
  HookEnv hook(wt);
  hook.env.set("GIT_DIR", (repo.root / ".git/worktrees/wt").c_str());
  CHECK(same_answer() == "A new.txt\nM src/a.py\n");
  CHECK(staged_changes_fast()->main_root == fs::canonical(repo.root));
  CHECK(staged_changes_fast()->branch == "feature");
}

TEST_CASE("fast reader: GIT_INDEX_FILE names the temporary index of git commit -a") {
  GitRepo repo;
  write_file(repo.root / "README", "changed, not staged\n");
  const fs::path temp_index = repo.tmp.path / "index.tmp";
  fs::copy_file(repo.root / ".git/index", temp_index);
  sh("cd '" + repo.root.string() + "' && GIT_INDEX_FILE='" + temp_index.string() +
     "' git add README");
  HookEnv hook(repo.root);
  CHECK(same_answer().empty());  // the real index has nothing staged
  hook.env.set("GIT_INDEX_FILE", temp_index.c_str());
  CHECK(same_answer() == "M README\n");
}

TEST_CASE("fast reader: an intent-to-add entry (git add -N)") {
  GitRepo repo;
  write_file(repo.root / "later.txt", "later\n");
  repo.git("add -N later.txt");
  HookEnv hook(repo.root);
  same_answer();
}

TEST_CASE("fast reader: a rename is the old path deleted and the new one added") {
  GitRepo repo;
  repo.git("mv src/a.py src/b.py");
  repo.git("rm -q README");
  HookEnv hook(repo.root);
  CHECK(same_answer() == "D README\nD src/a.py\nA src/b.py\n");
}

TEST_CASE("fast reader: a symlink's staged target, added and changed") {
  GitRepo repo;
  fs::create_symlink("../README", repo.root / "src/link");
  repo.git("add src/link");
  {
    HookEnv hook(repo.root);
    CHECK(same_answer() == "A src/link -> ../README\n");
  }
  repo.git("commit -q -m link");
  fs::remove(repo.root / "src/link");
  fs::create_symlink("../../etc/passwd", repo.root / "src/link");
  repo.git("add src/link");
  HookEnv hook(repo.root);
  CHECK(same_answer() == "M src/link -> ../../etc/passwd\n");
}

// Stages `count` paths <dir>/f<i>.txt whose content is the blob `id`, straight into the index
// (creating 10k files in the working tree would cost far more than the test).
void stage_many(const GitRepo& repo, const std::string& dir, int count, const std::string& id) {
  std::string lines;
  for (int i = 1; i <= count; ++i)
    lines += "100644 " + id + "\t" + dir + "/f" + std::to_string(i) + ".txt\n";
  write_file(repo.tmp.path / "index-info", lines);
  repo.git("update-index --index-info <'" + (repo.tmp.path / "index-info").string() + "'");
}

TEST_CASE("fast reader: 10k files, a few changed, the cached tree partly invalidated") {
  GitRepo repo;
  write_file(repo.tmp.path / "one", "one\n");
  write_file(repo.tmp.path / "two", "two\n");
  const std::string one = repo.git("hash-object -w '" + (repo.tmp.path / "one").string() + "'");
  const std::string two = repo.git("hash-object -w '" + (repo.tmp.path / "two").string() + "'");
  stage_many(repo, "gen/a", 5000, one);
  stage_many(repo, "gen/b", 5000, one);
  repo.git("commit -q -m gen");
  repo.git("update-index --add --cacheinfo 100644," + two + ",gen/b/f77.txt");
  repo.git("update-index --add --cacheinfo 100644," + two + ",gen/b/new.txt");
  {
    HookEnv hook(repo.root);
    CHECK(same_answer() == "M gen/b/f77.txt\nA gen/b/new.txt\n");
  }
  stage_many(repo, "gen/a", 5000, two);
  HookEnv hook(repo.root);
  same_answer();
  CHECK(staged_changes_fast()->changes.size() == 5002);
}

TEST_CASE("fast reader: says 'unsupported' rather than guess") {
  GitRepo repo;
  write_file(repo.root / "README", "changed\n");
  repo.git("add README");

  SUBCASE("index version 4") {
    repo.git("update-index --index-version 4");
    HookEnv hook(repo.root);
    CHECK(unsupported_because().find("version 4") != std::string::npos);
  }
  SUBCASE("unmerged entries, in the middle of a conflicted merge") {
    repo.git("commit -q -m readme");
    repo.git("checkout -q -b other HEAD~1");
    write_file(repo.root / "README", "other\n");
    repo.git("commit -q -am other");
    CHECK_THROWS(repo.git("merge -q main"));
    HookEnv hook(repo.root);
    CHECK(unsupported_because().find("unmerged") != std::string::npos);
  }
  SUBCASE("a missing object") {
    const std::string blob = repo.git("rev-parse :README");
    fs::remove(repo.root / ".git/objects" / blob.substr(0, 2) / blob.substr(2));
    fs::create_symlink("README", repo.root / "link");
    repo.git("update-index --add --cacheinfo 120000," + blob + ",link");
    HookEnv hook(repo.root);
    CHECK(unsupported_because().find("missing") != std::string::npos);
  }
  SUBCASE("a corrupt index") {
    write_file(repo.root / ".git/index", "DIRC\0\0\0\2garbage that is not an index at all");
    HookEnv hook(repo.root);
    unsupported_because();
  }
  SUBCASE("alternates") {
    const fs::path clone = repo.tmp.path / "clone";
    sh("git clone -q --shared '" + repo.root.string() + "' '" + clone.string() + "'");
    HookEnv hook(clone);
    CHECK(unsupported_because().find("alternates") != std::string::npos);
  }
  SUBCASE("an extension it does not know") {
    repo.git("config core.repositoryformatversion 1");
    repo.git("config extensions.somethingNew true");
    HookEnv hook(repo.root);
    CHECK(unsupported_because().find("extensions.somethingnew") != std::string::npos);
  }
}

TEST_CASE("fast reader: a SHA-256 repository is unsupported") {
  TempDir tmp;
  try {
    sh("git init -q --object-format=sha256 '" + tmp.path.string() + "'");
  } catch (const std::exception&) {
    return;  // a git without SHA-256 support: nothing to check
  }
  write_file(tmp.path / "a.txt", "a\n");
  sh("git -C '" + tmp.path.string() + "' add a.txt");
  HookEnv hook(tmp.path);
  CHECK(unsupported_because().find("objectformat") != std::string::npos);
}
