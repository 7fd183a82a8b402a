#include <doctest/doctest.h>

#include <filesystem>

#include "core/error.hpp"
#include "fakes/engine_fixture.hpp"

using namespace factory;
using core::Outcome;
using core::Stage;
using pipeline::StageNote;
using test::Fixture;

TEST_CASE("a green cycle commits the change once, right after the last TCR stage") {
  Fixture f(false);
  f.vcs.work["calc.py"] = "v2";
  auto summary = f.run(core::stage_range(std::nullopt, std::nullopt));
  CHECK(summary.status == "passed");
  REQUIRE(f.vcs.commits.size() == 1);
  CHECK(f.vcs.commits[0].starts_with("factory: implement..review passed\n"));
  CHECK(f.vcs.commits[0].find("Factory-Task: t1") != std::string::npos);
  CHECK(f.vcs.commits[0].find("Factory-Run: 1") != std::string::npos);
  CHECK(f.vcs.commits[0].find("Factory-Stages: implement,unit-test,") != std::string::npos);
  // accept runs after the commit, on the committed tree.
  auto commands = f.runner.commands();
  CHECK(commands.back() == "run-accept");
  CHECK(f.observer.commits.size() == 1);
  CHECK(f.observer.of(Stage::tdd_setup).note == StageNote::tdd_disabled);
  CHECK(summary.ready_for_decision);
  CHECK(f.store.find_task("t1")->status == core::TaskStatus::ready_for_decision);
  // The commit is recorded with the stage it followed, and only there.
  for (const auto& row : f.store.latest_results("t1")) {
    CAPTURE(core::stage_name(row.stage));
    CHECK(row.commit_id == (row.stage == Stage::review ? summary.commit_id : ""));
  }
  CHECK_FALSE(summary.commit_id.empty());
}

TEST_CASE("a cycle with no change makes no commit") {
  Fixture f(false);
  f.run(f.after_tdd());
  CHECK(f.vcs.commits.empty());
}

TEST_CASE("a red TCR stage saves the change, reverts it and stops the cycle") {
  Fixture f(false);
  f.vcs.work["calc.py"] = "broken";
  f.vcs.work["extra.py"] = "new";
  f.runner.replies["run-unit-test"] = {1, "1 failed\n"};
  auto summary = f.run(f.after_tdd());
  CHECK(summary.status == "failed");
  CHECK(summary.failed_stage == Stage::unit_test);
  CHECK(f.vcs.commits.empty());  // implement passed but must not have committed
  CHECK(f.vcs.work == f.vcs.head);
  const auto& report = f.observer.of(Stage::unit_test);
  REQUIRE(report.reverted.size() == 2);
  CHECK(report.saved_ref == "refs/factory/reverted/t1/1");
  CHECK(f.vcs.saved.at("refs/factory/reverted/t1/1").at("extra.py") == "new");
  CHECK(f.runner.commands().back() == "run-unit-test");
  CHECK(f.store.find_task("t1")->status == core::TaskStatus::failed);
}

TEST_CASE("a failed accept never reverts") {
  Fixture f(false);
  f.vcs.work["calc.py"] = "v2";
  f.runner.replies["run-accept"] = {1, "boom"};
  auto summary = f.run(f.after_tdd());
  CHECK(summary.status == "failed");
  CHECK(f.vcs.restores == 0);
  CHECK(f.vcs.commits.size() == 1);  // the TCR stages before it committed
}

TEST_CASE("a timed-out stage is red with a hint") {
  Fixture f(false);
  f.runner.replies["run-lint"] = {0, "", true};
  f.run(f.after_tdd());
  const auto& r = f.observer.of(Stage::lint);
  CHECK(r.outcome == Outcome::failed);
  CHECK(r.detail.find("timed out") != std::string::npos);
}

TEST_CASE("a missing tool is SKIPPED with its install hint, never a silent pass") {
  Fixture f(false);
  f.runner.replies["probe-scanner"] = {1, ""};
  f.run(f.after_tdd());
  const auto& r = f.observer.of(Stage::security);
  CHECK(r.outcome == Outcome::skipped);
  CHECK(r.note == StageNote::tool_missing);
  CHECK(r.detail == "tool missing: scanner");
  CHECK(r.hint == "apt-get install scanner");
  auto commands = f.runner.commands();
  CHECK(std::find(commands.begin(), commands.end(), "run-security") == commands.end());
}

TEST_CASE("coverage below the threshold is red, and its number is shown") {
  Fixture f(false);
  f.runner.replies["run-coverage"] = {0, "TOTAL    42%\n"};
  f.run(f.after_tdd());
  const auto& r = f.observer.of(Stage::coverage);
  CHECK(r.outcome == Outcome::failed);
  // without a per-line report only the printed total is judged, and the detail says so
  CHECK(r.detail ==
        "coverage 42% (min 80) · patch not measured: the template names no per-line report");
}

TEST_CASE("--resume skips stages already green on the same tree") {
  Fixture f(false);
  f.vcs.work["calc.py"] = "v2";
  f.runner.replies["run-lint"] = {1, "bad format"};
  f.run(f.after_tdd());  // implement..coverage green, lint red and reverted
  f.vcs.apply_saved("", "refs/factory/reverted/t1/1");  // unrevert: same tree as before
  f.runner.replies.erase("run-lint");
  f.runner.requests.clear();
  f.observer.reports.clear();
  auto summary = f.run(f.after_tdd(), true);
  CHECK(summary.status == "passed");
  CHECK(f.observer.of(Stage::implement).note == StageNote::green_on_tree);
  CHECK(f.observer.of(Stage::coverage).note == StageNote::green_on_tree);
  CHECK(f.observer.of(Stage::lint).note == StageNote::ran);
  auto commands = f.runner.commands();
  CHECK(std::find(commands.begin(), commands.end(), "run-unit-test") == commands.end());
  CHECK(f.vcs.commits.size() == 1);
}

TEST_CASE("tdd-setup passes on red and snapshots only the test files") {
  Fixture f;
  f.vcs.work["tests/test_calc.py"] = "new failing test";
  f.vcs.work["calc.py"] = "started implementing";
  f.runner.replies["run-tdd-setup"] = {1, "1 failed, 3 passed\n"};
  auto summary = f.run({Stage::tdd_setup});
  CHECK(summary.status == "passed");
  REQUIRE(f.vcs.committed_paths.size() == 1);
  CHECK(f.vcs.committed_paths[0] == std::vector<std::string>{"tests/test_calc.py"});
  CHECK(f.vcs.commits[0].starts_with("factory: tdd-setup red confirmed"));
  CHECK(f.vcs.work["calc.py"] == "started implementing");
  CHECK(f.vcs.restores == 0);
  CHECK(f.store.find_task("t1")->red_confirmed_at.has_value());

  SUBCASE("and is satisfied once per task") {
    f.runner.requests.clear();
    f.observer.reports.clear();
    f.run({Stage::tdd_setup});
    CHECK(f.observer.of(Stage::tdd_setup).note == StageNote::red_already_confirmed);
    CHECK(f.runner.requests.empty());
  }
}

TEST_CASE("tdd-setup is not red when the runner did not report failing tests") {
  Fixture f;
  f.vcs.work["tests/test_calc.py"] = "broken import";
  SUBCASE("collection error") {
    f.runner.replies["run-tdd-setup"] = {2, "1 error\n"};
  }
  SUBCASE("tests pass") {
    f.runner.replies["run-tdd-setup"] = {0, "4 passed\n"};
  }
  SUBCASE("exit 1 without a failure summary") {
    f.runner.replies["run-tdd-setup"] = {1, "no tests ran\n"};
  }
  auto summary = f.run({Stage::tdd_setup});
  CHECK(summary.status == "failed");
  CHECK(f.vcs.commits.empty());
  CHECK(f.vcs.restores == 0);  // tdd-setup never reverts
  CHECK_FALSE(f.store.find_task("t1")->red_confirmed_at.has_value());
}

TEST_CASE("tdd-setup needs a changed test file") {
  Fixture f;
  f.vcs.work["calc.py"] = "v2";
  auto summary = f.run({Stage::tdd_setup});
  CHECK(summary.status == "failed");
  CHECK(f.observer.of(Stage::tdd_setup).detail.find("no changed test file") != std::string::npos);
  CHECK(f.observer.of(Stage::tdd_setup).hint.find("--no-tdd") != std::string::npos);
  CHECK(f.runner.requests.empty());
}

TEST_CASE("review flags leftovers added by the diff and reverts") {
  Fixture f(false);
  f.vcs.work["calc.py"] = "x = 1  # TODO: remove";
  f.run(f.after_tdd());
  const auto& r = f.observer.of(Stage::review);
  CHECK(r.outcome == Outcome::failed);
  CHECK(r.detail.find("calc.py:1") != std::string::npos);
  CHECK(r.detail.find("TODO") != std::string::npos);
  CHECK(f.vcs.restores == 1);
}

TEST_CASE("stage commands get factory's variables and the template's timeout") {
  Fixture f(false);
  f.run({Stage::lint});
  REQUIRE(f.runner.requests.size() == 1);
  const auto& req = f.runner.requests[0];
  CHECK(req.argv == std::vector<std::string>{"/bin/sh", "-c", "run-lint"});
  CHECK(req.cwd == "/ws/t1");
  bool has_task = false;
  for (const auto& [k, v] : req.env) has_task |= (k == "FACTORY_TASK" && v == "t1");
  CHECK(has_task);
  CHECK(req.log_path.filename() == "lint.log");
  CHECK(req.log_path.parent_path().filename() == "run-1");
}

TEST_CASE("an interrupted stage stops the run without reverting") {
  Fixture f(false);
  f.vcs.work["calc.py"] = "v2";
  f.runner.replies["run-unit-test"] = {-1, "", false, true};
  auto summary = f.run(f.after_tdd());
  CHECK(summary.status == "interrupted");
  CHECK(f.vcs.restores == 0);
  CHECK(f.vcs.work["calc.py"] == "v2");
  CHECK(f.store.last_run("t1")->status == "interrupted");
}

TEST_CASE("a finished task cannot be run") {
  Fixture f(false);
  f.store.set_status("t1", core::TaskStatus::abandoned, "tester", "done");
  CHECK_THROWS_AS(f.run(f.after_tdd()), Error);
}

TEST_CASE("Ctrl-C during a tool probe stops the run instead of reporting the tool missing") {
  Fixture f(false);
  f.runner.replies["probe-scanner"] = {-1, "", false, true};
  f.runner.replies["run-security"] = {-1, "", false, true};
  auto summary = f.run(f.after_tdd());
  CHECK(summary.status == "interrupted");
  CHECK(f.observer.of(Stage::security).outcome == Outcome::interrupted);
  CHECK(f.observer.of(Stage::security).note != StageNote::tool_missing);
}
