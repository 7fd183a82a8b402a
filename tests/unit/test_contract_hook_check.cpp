#include <doctest/doctest.h>

#include <algorithm>

#include "contract/hook_check.hpp"
#include "core/error.hpp"
#include "unit/test_contract_support.hpp"
#include "unit/test_vcs_repo.hpp"

using namespace factory::contract;
using factory::contract::testing::staged_in;
using factory::vcs::StagedChange;
using factory::vcs::StagedChanges;
using factory::vcs::testing::TempDir;
using factory::vcs::testing::write_file;

TEST_CASE("hook_task: --task, else the worktree's mark, else its factory/<id> branch") {
  TempDir tmp;
  auto staged = staged_in(tmp.path, {});
  fs::create_directories(staged.git_dir);
  CHECK_FALSE(hook_task("", staged));
  staged.branch = "factory/from-branch";
  CHECK(hook_task("", staged) == std::optional<std::string>("from-branch"));
  write_file(staged.git_dir / "factory-task", "marked\n");
  CHECK(hook_task("", staged) == std::optional<std::string>("marked"));
  CHECK(hook_task("given", staged) == std::optional<std::string>("given"));
  CHECK_THROWS_AS(hook_task("../escape", staged), factory::core::Error);
}

TEST_CASE("check_staged reads the contract from the main worktree and lists what is outside") {
  TempDir tmp;
  write_file(tmp.path / ".factory/t/contract.yaml",
             "task: t\nboundaries:\n  allowed_files: [\"src/**\"]\n  forbidden_files: "
             "[\"src/secret/**\"]\n");
  auto staged = staged_in(tmp.path, {{"src/ok.py", 'M', std::nullopt},
                                     {"src/secret/key", 'A', std::nullopt},
                                     {"README", 'D', std::nullopt},
                                     {"src/link", 'A', std::string("../README")},
                                     {".factory/t/contract.yaml", 'M', std::nullopt}});
  auto check = check_staged("t", staged);
  std::vector<std::string> blocked;
  for (const auto& v : check.violations) blocked.push_back(v.path);
  std::sort(blocked.begin(), blocked.end());
  CHECK(blocked == std::vector<std::string>{".factory/t/contract.yaml", "README", "src/link",
                                            "src/secret/key"});
  CHECK(check.boundaries.allowed_files == std::vector<std::string>{"src/**"});
  CHECK(check_staged("t", staged_in(tmp.path, {{"src/ok.py", 'M', std::nullopt}}))
            .violations.empty());
}

TEST_CASE("a contract that is missing or invalid blocks the commit (fail closed)") {
  TempDir tmp;
  auto staged = staged_in(tmp.path, {{"src/ok.py", 'M', std::nullopt}});
  try {
    check_staged("t", staged);
    FAIL("a missing contract must block");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::blocked);
  }
  write_file(tmp.path / ".factory/t/contract.yaml", "task: t\nboundaries:\n  alowed_files: []\n");
  try {
    check_staged("t", staged);
    FAIL("an invalid contract must block");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::blocked);
    CHECK(std::string(e.what()).find("contract.yaml:3:") != std::string::npos);
  }
}
