#include <doctest/doctest.h>

#include "fakes/engine_fixture.hpp"

using namespace factory;
using core::Outcome;
using core::Stage;
using pipeline::StageNote;
using test::Fixture;

TEST_CASE("a change outside the contract is blocked: nothing committed, nothing reverted") {
  Fixture f(false);
  f.contract.boundaries.allowed_files = {"calc.py", "tests/**"};
  f.vcs.work["calc.py"] = "v2";
  f.vcs.work["deploy/prod.env"] = "SECRET=1";
  auto summary = f.run(f.after_tdd());
  CHECK(summary.status == "blocked");
  REQUIRE(summary.blocked.size() == 1);
  CHECK(summary.blocked[0].path == "deploy/prod.env");
  CHECK(f.vcs.commits.empty());
  CHECK(f.vcs.saved.empty());
  CHECK(f.vcs.work.at("deploy/prod.env") == "SECRET=1");
  CHECK(f.vcs.work.at("calc.py") == "v2");
  CHECK(f.store.find_task("t1")->status == core::TaskStatus::failed);
}

TEST_CASE("a forbidden glob wins over an allowed one at commit time") {
  Fixture f(false);
  f.contract.boundaries.forbidden_files = {"secrets/**"};
  f.vcs.work["secrets/key.pem"] = "k";
  auto summary = f.run({Stage::implement, Stage::unit_test});
  CHECK(summary.status == "blocked");
  CHECK(f.vcs.commits.empty());
}

TEST_CASE("changes inside the contract commit as usual") {
  Fixture f(false);
  f.contract.boundaries.allowed_files = {"*.py", "tests/**"};
  f.vcs.work["calc.py"] = "v2";
  auto summary = f.run({Stage::implement, Stage::unit_test});
  CHECK(summary.status == "passed");
  CHECK(f.vcs.commits.size() == 1);
}

TEST_CASE("an empty allowed list blocks every change") {
  Fixture f(false);
  f.contract.boundaries.allowed_files.clear();
  f.vcs.work["calc.py"] = "v2";
  CHECK(f.run({Stage::implement}).status == "blocked");
}

TEST_CASE("files committed outside the contract behind factory's back block the next cycle") {
  Fixture f(false);
  f.contract.boundaries.allowed_files = {"calc.py"};
  // Committed in the workspace with --no-verify: HEAD differs from the base.
  f.vcs.head["ops/cron.sh"] = "rm -rf /";
  f.vcs.work = f.vcs.head;
  f.vcs.work["calc.py"] = "v2";
  auto summary = f.run({Stage::implement, Stage::unit_test});
  CHECK(summary.status == "blocked");
  REQUIRE(summary.blocked.size() == 1);
  CHECK(summary.blocked[0].path == "ops/cron.sh");
  CHECK(f.vcs.commits.empty());
  CHECK(f.vcs.saved.empty());
}

TEST_CASE("tdd-setup does not snapshot test files outside the contract") {
  Fixture f(true);
  f.contract.boundaries.allowed_files = {"calc.py"};
  f.vcs.work["tests/test_new.py"] = "def test(): assert False";
  f.runner.replies["run-tdd-setup"] = {1, "1 failed"};
  auto summary = f.run({Stage::tdd_setup});
  CHECK(summary.status == "blocked");
  CHECK(f.vcs.commits.empty());
  CHECK_FALSE(f.store.find_task("t1")->red_confirmed_at.has_value());
}

TEST_CASE("tcr_behavior enabled: false keeps a red stage's change") {
  Fixture f(false);
  core::TcrBehavior off;
  off.enabled = false;
  off.reason = "formatter migration";
  f.contract.tcr_behavior[Stage::lint] = off;
  f.vcs.work["calc.py"] = "v2";
  f.runner.replies["run-lint"] = {1, "bad style"};
  auto summary = f.run({Stage::implement, Stage::unit_test, Stage::lint});
  CHECK(summary.status == "failed");
  CHECK(f.vcs.saved.empty());
  CHECK(f.vcs.work.at("calc.py") == "v2");
  // lint is no longer a TCR stage, so the cycle committed after unit-test.
  CHECK(f.vcs.commits.size() == 1);
}

TEST_CASE("a required stage that is SKIPPED fails the run") {
  Fixture f(false);
  f.contract.stages[Stage::security].required = true;
  f.runner.replies["probe-scanner"] = {1, ""};
  f.vcs.work["calc.py"] = "v2";
  auto summary = f.run({Stage::implement, Stage::security});
  CHECK(summary.status == "failed");
  CHECK(summary.failed_stage == Stage::security);
  const auto& report = f.observer.of(Stage::security);
  CHECK(report.outcome == Outcome::failed);
  CHECK(report.detail.find("required by the contract") != std::string::npos);
}

TEST_CASE("a SKIPPED stage the contract does not require still passes") {
  Fixture f(false);
  f.runner.replies["probe-scanner"] = {1, ""};
  CHECK(f.run({Stage::security}).status == "passed");
}

TEST_CASE("acceptance command checks report pass and fail by name") {
  Fixture f(false);
  core::AcceptanceCheck prints;
  prints.name = "prints hello";
  prints.kind = core::AcceptanceCheck::Kind::command;
  prints.command = "./hello";
  prints.expect_stdout = "^hello, world$";
  core::AcceptanceCheck exits;
  exits.name = "exits 3 on bad input";
  exits.kind = core::AcceptanceCheck::Kind::command;
  exits.command = "./hello --bad";
  exits.expect_exit = 3;
  f.contract.acceptance = {prints, exits};
  f.runner.replies["./hello"] = {0, "hello, world\n"};
  f.runner.replies["./hello --bad"] = {1, "usage"};
  auto summary = f.run({Stage::accept});
  CHECK(summary.status == "failed");
  const auto& report = f.observer.of(Stage::accept);
  REQUIRE(report.checks.size() == 2);
  CHECK(report.checks[0] == std::pair<bool, std::string>{true, "prints hello"});
  CHECK_FALSE(report.checks[1].first);
  CHECK(report.checks[1].second == "exits 3 on bad input: exit code 1 (expected 3)");
  CHECK(report.detail == "acceptance 1/2 checks passed");
}

TEST_CASE("acceptance checks run even when accept has no command") {
  Fixture f(false);
  f.task.workspace = "/ws/t1";
  core::AcceptanceCheck check;
  check.name = "ok";
  check.kind = core::AcceptanceCheck::Kind::command;
  check.command = "true";
  f.contract.acceptance = {check};
  f.template_override = [](lang::LanguageTemplate& t) { t.stages[Stage::accept].command = ""; };
  auto summary = f.run({Stage::accept});
  CHECK(summary.status == "passed");
  CHECK(f.observer.of(Stage::accept).note == StageNote::ran);
}

TEST_CASE("a blocked commit is not green: a later run cannot reach ready_for_decision with it") {
  Fixture f(false);
  f.contract.boundaries.allowed_files = {"calc.py"};
  f.vcs.work["calc.py"] = "v2";
  f.vcs.work["README.md"] = "pwned";
  CHECK(f.run(f.after_tdd()).status == "blocked");
  CHECK(f.observer.of(Stage::review).outcome == Outcome::failed);
  // Only accept runs now (no TCR stage, so no commit to gate): still not ready.
  auto summary = f.run({Stage::accept});
  CHECK_FALSE(summary.ready_for_decision);
  CHECK(f.store.find_task("t1")->status != core::TaskStatus::ready_for_decision);
}

TEST_CASE("readiness re-checks the whole task against the contract as it is now") {
  Fixture f(false);
  f.vcs.work["calc.py"] = "v2";
  REQUIRE(f.run(core::stage_range(std::nullopt, std::nullopt)).ready_for_decision);
  // The contract is narrowed after the work was done; the tree is unchanged, so every stage is
  // still green on it, but the task is no longer inside its contract.
  f.contract.boundaries.forbidden_files = {"calc.py"};
  auto summary = f.run({Stage::accept});
  CHECK(summary.status == "blocked");
  REQUIRE(summary.blocked.size() == 1);
  CHECK(summary.blocked[0].path == "calc.py");
  CHECK_FALSE(summary.ready_for_decision);
  CHECK(f.store.find_task("t1")->status == core::TaskStatus::failed);
}
