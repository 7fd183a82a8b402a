// The pre-commit decision both hook binaries share, and the dispatcher's choice between them.
#include <doctest/doctest.h>

#include "contract/hook_script.hpp"
#include "contract/hooks.hpp"
#include "contract/pre_commit.hpp"
#include "core/error.hpp"
#include "unit/test_contract_support.hpp"
#include "unit/test_vcs_repo.hpp"

using namespace factory::contract;
using factory::contract::testing::staged_in;
using factory::vcs::StagedChange;
using factory::vcs::StagedChanges;
using factory::vcs::testing::GitRepo;
using factory::vcs::testing::read_file;
using factory::vcs::testing::TempDir;
using factory::vcs::testing::write_file;

namespace {

// A task "t" whose contract allows src/** only, and a staged change in `main_root`'s worktree.
StagedChanges staged_for_t(const fs::path& main_root, std::vector<StagedChange> changes) {
  write_file(main_root / ".factory/t/contract.yaml",
             "task: t\nboundaries:\n  allowed_files: [\"src/**\"]\n");
  return staged_in(main_root, std::move(changes));
}

void write_script(const fs::path& p, const std::string& text) {
  write_file(p, text);
  fs::permissions(p, fs::perms(0755));
}

}  // namespace

TEST_CASE("decide_pre_commit: allowed, blocked with the fix-it lines, or no task at all") {
  TempDir tmp;
  auto ok = staged_for_t(tmp.path, {{"src/a.py", 'M', std::nullopt}});
  CHECK(decide_pre_commit("t", ok, nullptr).verdict == PreCommitVerdict::allowed);

  auto bad = staged_for_t(tmp.path, {{"src/a.py", 'M', std::nullopt}, {"README", 'A', {}}});
  auto d = decide_pre_commit("t", bad, nullptr);
  CHECK(d.verdict == PreCommitVerdict::blocked);
  CHECK(d.message.rfind("✗ BLOCKED: t cannot modify README (", 0) == 0);
  CHECK(d.message.find("src/a.py") == std::string::npos);
  CHECK(d.message.find("allowed:   src/**") != std::string::npos);
  CHECK(d.message.find("FACTORY_ALLOW_OUTSIDE=\"<why>\" git commit") != std::string::npos);

  auto none = decide_pre_commit("", bad, nullptr);  // no --task, no mark, no factory/ branch
  CHECK(none.verdict == PreCommitVerdict::not_a_task);
  CHECK(none.message.find("is not a task workspace") != std::string::npos);
}

TEST_CASE("decide_pre_commit: FACTORY_ALLOW_OUTSIDE needs a reason, and then is an escape") {
  TempDir tmp;
  auto bad = staged_for_t(tmp.path, {{"README", 'M', std::nullopt}});
  auto empty = decide_pre_commit("t", bad, "  \n");
  CHECK(empty.verdict == PreCommitVerdict::blocked);
  CHECK(empty.message.find("set but empty: an escape needs a reason") != std::string::npos);

  auto escape = decide_pre_commit("t", bad, " hotfix, agreed ");
  CHECK(escape.verdict == PreCommitVerdict::escape);
  CHECK(escape.reason == "hotfix, agreed");
  REQUIRE(escape.check);
  CHECK(escape.check->violations.size() == 1);

  auto fine = staged_for_t(tmp.path, {{"src/x", 'A', std::nullopt}});
  CHECK(decide_pre_commit("t", fine, "why").verdict == PreCommitVerdict::allowed);
}

TEST_CASE("decide_pre_commit: a contract that cannot be loaded blocks") {
  TempDir tmp;
  auto staged = staged_for_t(tmp.path, {{"src/a.py", 'M', std::nullopt}});
  write_file(tmp.path / ".factory/t/contract.yaml", "task: t\nboundaries: [\n");
  try {
    decide_pre_commit("t", staged, nullptr);
    FAIL("a broken contract must block");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::blocked);
    CHECK(std::string(e.what()).find("contract.yaml:") != std::string::npos);
  }
}

TEST_CASE("the dispatcher runs factory-hook next to factory when both exist, else factory") {
  GitRepo repo;
  const fs::path wt = repo.tmp.path / "wt";
  repo.git("worktree add -q -b factory/t '" + wt.string() + "'");
  const fs::path bin = repo.tmp.path / "bin";
  const fs::path log = repo.tmp.path / "calls.log";
  write_script(bin / "factory",
               "#!/bin/sh\necho \"factory $*\" >>'" + log.string() + "'\nexit 3\n");
  write_script(bin / "factory-hook",
               "#!/bin/sh\necho \"factory-hook $*\" >>'" + log.string() + "'\nexit 3\n");
  CHECK(fast_hook_binary(bin / "factory") == bin / "factory-hook");
  install_hook(repo.root, wt, "t", bin / "factory");
  CHECK(read_file(repo.root / ".git/hooks/pre-commit").find("@FACTORY_HOOK_BIN@") ==
        std::string::npos);

  auto commit_fails = [&] {
    write_file(wt / "x.txt", "x\n");
    repo.git("add x.txt", wt);
    try {
      repo.git("commit -q -m x", wt);
      return false;
    } catch (const std::runtime_error&) {
      return true;
    }
  };
  CHECK(commit_fails());
  CHECK(read_file(log) == "factory-hook --task t --factory " + (bin / "factory").string() + "\n");

  fs::remove(bin / "factory-hook");
  CHECK(commit_fails());
  CHECK(read_file(log).find("\nfactory hook pre-commit --task t\n") != std::string::npos);
}
