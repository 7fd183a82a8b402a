#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <string>

#include "extract/finding.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"
#include "unit/test_store_support.hpp"

using namespace factory;
using namespace factory::store;
using namespace factory::store::testing;
using core::Outcome;
using core::Stage;
using extract::Finding;

namespace {

Finding finding_at(const std::string& file, int line) {
  Finding f;
  f.tool = "pytest";
  f.file = file;
  f.line = line;
  f.column = 3;
  f.message = "AssertionError: 49 != 50";
  f.code = "E1";
  f.test = "test_rate";
  f.context = {">       assert hits == 50", "E       AssertionError: 49 != 50"};
  return f;
}

StageResultRow red_result(const RunRow& run, std::vector<Finding> findings) {
  StageResultRow row;
  row.run_id = run.id;
  row.task = run.task;
  row.stage = Stage::unit_test;
  row.outcome = Outcome::failed;
  row.exit_code = 1;
  row.tree_id = "tree";
  row.findings = std::move(findings);
  return row;
}

// The latest results of a task whose one red stage result had its findings column overwritten
// with `findings` (what a damaged or hand-edited database holds).
std::vector<StageResultRow> results_with_findings_column(const TempDir& dir,
                                                         const std::string& findings) {
  auto db_path = dir.path() / "state.db";
  FakeClock clock;
  {
    Store store(db_path, clock);
    store.create_task(sample_task("a"), "alice");
    auto run = store.begin_run("a", "unit-test..unit-test", "alice");
    store.record_stage(red_result(run, {finding_at("x.py", 1)}));
  }
  {
    SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement update(raw, "UPDATE stage_results SET findings = ?");
    update.bind(1, findings);
    update.exec();
  }
  return Store(db_path, clock).latest_results("a");
}

}  // namespace

TEST_CASE("a red stage's findings are stored with its result and read back in order") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "unit-test..unit-test", "alice");
  store.record_stage(red_result(run, {finding_at("tests/test_x.py", 87), finding_at("x.py", 4)}));

  auto rows = store.stage_results(run.id);
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].findings.size() == 2);
  const auto& first = rows[0].findings[0];
  CHECK(first.tool == "pytest");
  CHECK(first.severity == extract::Severity::error);
  CHECK(first.file == "tests/test_x.py");
  CHECK(first.line == 87);
  CHECK(first.column == 3);
  CHECK(first.message == "AssertionError: 49 != 50");
  CHECK(first.code == "E1");
  CHECK(first.test == "test_rate");
  CHECK(first.context.size() == 2);
  CHECK(first.context[0] == ">       assert hits == 50");
  CHECK(rows[0].findings[1].file == "x.py");

  auto latest = store.latest_results("a");
  REQUIRE(latest.size() == 1);
  CHECK(latest[0].findings.size() == 2);
}

TEST_CASE("a green stage stores no findings") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "lint..lint", "alice");
  StageResultRow row;
  row.run_id = run.id;
  row.task = "a";
  row.stage = Stage::lint;
  store.record_stage(row);
  auto rows = store.stage_results(run.id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].findings.empty());
}

TEST_CASE("only the first 20 findings are kept, and huge lines are cut") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "unit-test..unit-test", "alice");
  std::vector<Finding> many;
  for (int i = 1; i <= 50; ++i) many.push_back(finding_at("f.py", i));
  many[0].message = std::string(64 << 10, 'm');
  many[0].context = {std::string(64 << 10, 'c')};
  store.record_stage(red_result(run, many));

  auto rows = store.stage_results(run.id);
  REQUIRE(rows[0].findings.size() == k_stored_findings);
  CHECK(rows[0].findings.front().line == 1);
  CHECK(rows[0].findings.back().line == 20);
  CHECK(rows[0].findings.front().message.size() < 8192);
  CHECK(rows[0].findings.front().context.at(0).size() < 8192);
}

TEST_CASE("invalid UTF-8 from a log is stored without failing the record") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  auto run = store.begin_run("a", "unit-test..unit-test", "alice");
  Finding f = finding_at("bad\xff.py", 1);
  f.message = "broken \xc3 byte";
  store.record_stage(red_result(run, {f}));
  auto rows = store.stage_results(run.id);
  REQUIRE(rows[0].findings.size() == 1);
  CHECK(rows[0].findings[0].line == 1);
  CHECK(rows[0].findings[0].message.starts_with("broken "));
}

TEST_CASE("a state.db written at schema version 1 is migrated and keeps its results") {
  TempDir dir;
  auto db_path = dir.path() / "state.db";
  {
    // What an issue-3 factory wrote: only the first migration step, one stage result.
    SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(migrations().at(0));
    raw.exec("PRAGMA user_version = 1");
    raw.exec(
        "INSERT INTO tasks VALUES('old','python','failed','/tmp/ws','factory/old','abc','git',1,"
        "1,NULL)");
    raw.exec("INSERT INTO runs VALUES(1,'old',1,'failed','unit-test..unit-test','',1,2)");
    raw.exec(
        "INSERT INTO stage_results(run_id, task, stage, outcome, exit_code, duration_ms, "
        "log_path, tree_id, commit_id, detail, at) VALUES(1,'old','unit-test','failed',1,5,"
        "'/tmp/log','tree','','exit code 1',3)");
  }
  FakeClock clock;
  Store store(db_path, clock);
  CHECK(store.user_version() == Store::schema_version());
  CHECK(Store::schema_version() >= 2);

  auto rows = store.stage_results(1);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].detail == "exit code 1");
  CHECK(rows[0].findings.empty());

  // and the migrated table takes new findings
  auto run = store.begin_run("old", "unit-test..unit-test", "alice");
  store.record_stage(red_result(run, {finding_at("calc.py", 9)}));
  auto latest = store.latest_results("old");
  REQUIRE(latest.size() == 1);
  REQUIRE(latest[0].findings.size() == 1);
  CHECK(latest[0].findings[0].line == 9);
}

TEST_CASE("a damaged findings column reads as no findings") {
  TempDir dir;
  auto rows = results_with_findings_column(dir, "not json [");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].findings.empty());
}

TEST_CASE("a finding with wrong-typed fields reads back with defaults for those fields") {
  TempDir dir;
  auto rows = results_with_findings_column(
      dir, R"([{"line":"x"},)"
           R"({"tool":7,"file":"calc.py","line":12,"column":[],"message":{"a":1},)"
           R"("severity":false,"code":null,"test":1.5,"context":"not a list"},)"
           R"({"line":-4,"column":99999999999},42,"text"])");
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].findings.size() == 3);
  CHECK(rows[0].findings[0].line == 0);
  const auto& second = rows[0].findings[1];
  CHECK(second.file == "calc.py");
  CHECK(second.line == 12);
  CHECK(second.tool.empty());
  CHECK(second.column == 0);
  CHECK(second.message.empty());
  CHECK(second.severity == extract::Severity::error);
  CHECK(second.code.empty());
  CHECK(second.test.empty());
  CHECK(second.context.empty());
  CHECK(rows[0].findings[2].line == 0);
  CHECK(rows[0].findings[2].column == 0);
}
