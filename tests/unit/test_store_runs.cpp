#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "store/store.hpp"
#include "unit/test_store_support.hpp"

using namespace factory;
using namespace factory::store;
using namespace factory::store::testing;
using core::Outcome;
using core::Stage;

namespace {

StageResultRow result_of(const RunRow& run, Stage stage, Outcome outcome, const std::string& tree) {
  StageResultRow row;
  row.run_id = run.id;
  row.task = run.task;
  row.stage = stage;
  row.outcome = outcome;
  row.exit_code = outcome == Outcome::failed ? 1 : 0;
  row.tree_id = tree;
  return row;
}

}  // namespace

TEST_CASE("runs are numbered per task") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  store.create_task(sample_task("b"), "alice");

  auto a1 = store.begin_run("a", "tdd-setup..accept", "alice");
  auto a2 = store.begin_run("a", "unit-test..unit-test", "alice");
  auto b1 = store.begin_run("b", "tdd-setup..accept", "alice");
  CHECK(a1.number == 1);
  CHECK(a2.number == 2);
  CHECK(b1.number == 1);
  CHECK(a1.id != a2.id);
  CHECK(a2.status == "running");

  auto last = store.last_run("a");
  REQUIRE(last);
  CHECK(last->id == a2.id);
  CHECK(last->number == 2);
  CHECK(last->range == "unit-test..unit-test");
  CHECK(last->started_at == clock.now_ms());
  CHECK_FALSE(store.last_run("nobody"));

  auto started = store.events("a").back();
  CHECK(started.action == "run_started");
  CHECK(started.run_id == a2.id);
  CHECK(payload_of(started)["run"] == 2);
  CHECK(payload_of(started)["range"] == "unit-test..unit-test");
}

TEST_CASE("a run cannot start for an unknown task") {
  FakeClock clock;
  Store store(":memory:", clock);
  CHECK_THROWS_AS(store.begin_run("ghost", "tdd-setup..accept", "alice"), core::Error);
}

TEST_CASE("end_run stores how the run ended and says so in the audit trail") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "tdd-setup..accept", "alice");
  clock.advance(5000);
  store.end_run(run.id, "passed", "op-123");

  auto last = store.last_run("a");
  REQUIRE(last);
  CHECK(last->status == "passed");
  CHECK(last->ended_at == clock.now_ms());
  CHECK(last->ended_at - last->started_at == 5000);
  CHECK(last->vcs_operation == "op-123");
  auto ended = store.events("a").back();
  CHECK(ended.action == "run_passed");
  CHECK(ended.actor == "alice");
  CHECK(ended.run_id == run.id);

  auto second = store.begin_run("a", "lint..lint", "alice");
  store.end_run(second.id, "failed", "");
  CHECK(store.events("a").back().action == "run_failed");
}

TEST_CASE("record_stage keeps every result of a run in order, with an event each") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "tdd-setup..accept", "alice");
  auto red = result_of(run, Stage::tdd_setup, Outcome::passed, "tree-1");
  red.detail = "red confirmed";
  red.log_path = "/repo/.factory/logs/a/run-1/tdd-setup.log";
  red.duration_ms = 1234;
  red.commit_id = "c0ffee";
  store.record_stage(red);
  store.record_stage(result_of(run, Stage::implement, Outcome::failed, "tree-2"));

  auto results = store.stage_results(run.id);
  REQUIRE(results.size() == 2);
  CHECK(results[0].stage == Stage::tdd_setup);
  CHECK(results[0].outcome == Outcome::passed);
  CHECK(results[0].detail == "red confirmed");
  CHECK(results[0].log_path == red.log_path);
  CHECK(results[0].duration_ms == 1234);
  CHECK(results[0].commit_id == "c0ffee");
  CHECK(results[0].at == clock.now_ms());
  CHECK(results[1].stage == Stage::implement);
  CHECK(results[1].outcome == Outcome::failed);
  CHECK(results[1].exit_code == 1);

  auto events = store.events("a");
  auto payload = payload_of(events[events.size() - 2]);
  CHECK(events.back().action == "stage");
  CHECK(payload["stage"] == "tdd-setup");
  CHECK(payload["outcome"] == "passed");
  CHECK(payload["tree"] == "tree-1");
  CHECK(payload["commit"] == "c0ffee");
  CHECK(payload["detail"] == "red confirmed");
  CHECK(payload["exit_code"] == 0);
}

TEST_CASE("stage names are stored as users see them") {
  TempDir dir;
  FakeClock clock;
  const auto db_path = dir.path() / "state.db";
  Store store(db_path, clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "static..static", "alice");
  store.record_stage(result_of(run, Stage::static_analysis, Outcome::skipped, "t"));

  SQLite::Database raw(db_path.string());
  CHECK(raw.execAndGet("SELECT stage || ' ' || outcome FROM stage_results").getString() ==
        "static skipped");
  CHECK(raw.execAndGet("SELECT status FROM tasks").getString() == "created");
}

TEST_CASE("a result for a run that does not exist is refused") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  RunRow ghost;
  ghost.id = 999;
  ghost.task = "a";
  CHECK_THROWS(store.record_stage(result_of(ghost, Stage::lint, Outcome::passed, "t")));
  CHECK(store.events("a").size() == 1);
}

TEST_CASE("latest_results keeps the newest result of each stage, in pipeline order") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  store.create_task(sample_task("b"), "alice");
  auto first = store.begin_run("a", "unit-test..lint", "alice");
  store.record_stage(result_of(first, Stage::lint, Outcome::failed, "t1"));
  store.record_stage(result_of(first, Stage::unit_test, Outcome::failed, "t1"));
  auto second = store.begin_run("a", "tdd-setup..unit-test", "alice");
  store.record_stage(result_of(second, Stage::unit_test, Outcome::passed, "t2"));
  store.record_stage(result_of(second, Stage::tdd_setup, Outcome::passed, "t2"));
  auto other = store.begin_run("b", "accept..accept", "alice");
  store.record_stage(result_of(other, Stage::accept, Outcome::passed, "t9"));

  auto latest = store.latest_results("a");
  REQUIRE(latest.size() == 3);
  CHECK(latest[0].stage == Stage::tdd_setup);
  CHECK(latest[1].stage == Stage::unit_test);
  CHECK(latest[1].outcome == Outcome::passed);
  CHECK(latest[1].run_id == second.id);
  CHECK(latest[2].stage == Stage::lint);
  CHECK(latest[2].outcome == Outcome::failed);
}

TEST_CASE("green_on_tree: only the newest result of the stage on exactly that tree counts") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "tdd-setup..accept", "alice");

  SUBCASE("a pass on the tree is green; another tree or stage is not") {
    store.record_stage(result_of(run, Stage::unit_test, Outcome::passed, "tree-1"));
    auto green = store.green_on_tree("a", Stage::unit_test, "tree-1");
    REQUIRE(green);
    CHECK(green->outcome == Outcome::passed);
    CHECK_FALSE(store.green_on_tree("a", Stage::unit_test, "tree-2"));
    CHECK_FALSE(store.green_on_tree("a", Stage::lint, "tree-1"));
    CHECK_FALSE(store.green_on_tree("b", Stage::unit_test, "tree-1"));
  }
  SUBCASE("a skip counts as green") {
    store.record_stage(result_of(run, Stage::security, Outcome::skipped, "tree-1"));
    CHECK(store.green_on_tree("a", Stage::security, "tree-1"));
  }
  SUBCASE("a failure on the tree is not green") {
    store.record_stage(result_of(run, Stage::unit_test, Outcome::failed, "tree-1"));
    CHECK_FALSE(store.green_on_tree("a", Stage::unit_test, "tree-1"));
  }
  SUBCASE("a newer failure on the same tree withdraws an earlier pass") {
    store.record_stage(result_of(run, Stage::unit_test, Outcome::passed, "tree-1"));
    store.record_stage(result_of(run, Stage::unit_test, Outcome::failed, "tree-1"));
    CHECK_FALSE(store.green_on_tree("a", Stage::unit_test, "tree-1"));
  }
  SUBCASE("a newer pass on the same tree after a failure is green") {
    store.record_stage(result_of(run, Stage::unit_test, Outcome::failed, "tree-1"));
    store.record_stage(result_of(run, Stage::unit_test, Outcome::passed, "tree-1"));
    CHECK(store.green_on_tree("a", Stage::unit_test, "tree-1"));
  }
  SUBCASE("an interrupted run is not green") {
    store.record_stage(result_of(run, Stage::unit_test, Outcome::interrupted, "tree-1"));
    CHECK_FALSE(store.green_on_tree("a", Stage::unit_test, "tree-1"));
  }
}
