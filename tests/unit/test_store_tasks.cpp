#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "store/store.hpp"
#include "unit/test_store_support.hpp"

using namespace factory;
using namespace factory::store;
using namespace factory::store::testing;

TEST_CASE("an in-memory store is migrated to the current schema") {
  FakeClock clock;
  Store store(":memory:", clock);
  CHECK(Store::schema_version() >= 1);
  CHECK(store.user_version() == Store::schema_version());
  CHECK(store.list_tasks().empty());
}

TEST_CASE("a file store uses WAL, creates its directory and keeps data across reopen") {
  TempDir dir;
  FakeClock clock;
  const auto db_path = dir.path() / ".factory" / "state.db";
  {
    Store store(db_path, clock);
    store.create_task(sample_task("bd-52.1"), "alice");
  }
  CHECK(std::filesystem::exists(db_path));
  SQLite::Database raw(db_path.string());
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");

  Store reopened(db_path, clock);
  CHECK(reopened.user_version() == Store::schema_version());
  auto task = reopened.find_task("bd-52.1");
  REQUIRE(task);
  CHECK(task->status == core::TaskStatus::created);
  CHECK(task->branch == "factory/bd-52.1");
  CHECK(reopened.events("bd-52.1").size() == 1);
}

TEST_CASE("create_task stores the task and a created event stamped by the clock") {
  FakeClock clock;
  Store store(":memory:", clock);
  auto row = sample_task("calc");
  row.tdd = false;
  row.status = core::TaskStatus::approved;  // ignored: a new task is always created
  store.create_task(row, "alice");

  auto task = store.find_task("calc");
  REQUIRE(task);
  CHECK(task->status == core::TaskStatus::created);
  CHECK_FALSE(task->tdd);
  CHECK(task->created_at == clock.now_ms());
  CHECK_FALSE(task->red_confirmed_at);

  auto events = store.events("calc");
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == "created");
  CHECK(events[0].actor == "alice");
  CHECK(events[0].ts == clock.now_ms());
  CHECK_FALSE(events[0].run_id);
  auto payload = payload_of(events[0]);
  CHECK(payload["lang"] == "python");
  CHECK(payload["workspace"] == "/tmp/repo.factory/calc");
  CHECK(payload["branch"] == "factory/calc");
  CHECK(payload["base"] == row.base_commit);
  CHECK(payload["tdd"] == false);
}

TEST_CASE("a second task with the same id is refused and writes nothing") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("calc"), "alice");
  auto again = sample_task("calc");
  again.lang = "go";
  try {
    store.create_task(again, "bob");
    FAIL("duplicate accepted");
  } catch (const core::Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()) == "task 'calc' already exists");
    CHECK(e.hint().find("factory abandon calc") != std::string::npos);
  }
  CHECK(store.find_task("calc")->lang == "python");
  CHECK(store.events("calc").size() == 1);
  CHECK(store.list_tasks().size() == 1);
}

TEST_CASE("an abandoned task keeps its id") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("calc"), "alice");
  store.set_status("calc", core::TaskStatus::abandoned, "alice", "not needed");
  try {
    store.create_task(sample_task("calc"), "alice");
    FAIL("abandoned id reused");
  } catch (const core::Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(e.hint().find("abandoned") != std::string::npos);
  }
}

TEST_CASE("set_status records who moved the task, from where, to where and why") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("calc"), "alice");
  auto run = store.begin_run("calc", "tdd-setup..accept", "alice");
  clock.advance(1000);
  store.set_status("calc", core::TaskStatus::running, "bob", "run started", run.id);

  CHECK(store.find_task("calc")->status == core::TaskStatus::running);
  auto events = store.events("calc");
  REQUIRE(events.size() == 3);
  const auto& moved = events.back();
  CHECK(moved.action == "status");
  CHECK(moved.actor == "bob");
  CHECK(moved.ts == clock.now_ms());
  CHECK(moved.run_id == run.id);
  auto payload = payload_of(moved);
  CHECK(payload["from"] == "created");
  CHECK(payload["to"] == "running");
  CHECK(payload["reason"] == "run started");

  SUBCASE("moving to the same status writes nothing") {
    store.set_status("calc", core::TaskStatus::running, "bob", "again");
    CHECK(store.events("calc").size() == 3);
  }
}

TEST_CASE("an illegal transition is blocked and leaves the task untouched") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("calc"), "alice");
  try {
    store.set_status("calc", core::TaskStatus::approved, "mallory", "skip review");
    FAIL("illegal transition accepted");
  } catch (const core::Error& e) {
    CHECK(e.code() == ExitCode::blocked);
  }
  CHECK(store.find_task("calc")->status == core::TaskStatus::created);
  CHECK(store.events("calc").size() == 1);
}

TEST_CASE("set_status on an unknown task is a usage error") {
  FakeClock clock;
  Store store(":memory:", clock);
  try {
    store.set_status("ghost", core::TaskStatus::running, "alice", "");
    FAIL("unknown task accepted");
  } catch (const core::Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()).find("ghost") != std::string::npos);
  }
}

TEST_CASE("set_red_confirmed stores the time and an event") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("calc"), "alice");
  store.set_red_confirmed("calc", 42, "Ana <ana@example.com>");
  CHECK(store.find_task("calc")->red_confirmed_at == 42);
  auto events = store.events("calc");
  REQUIRE(events.size() == 2);
  CHECK(events[1].action == "tdd_red_confirmed");
  CHECK(events[1].actor == "Ana <ana@example.com>");  // the run's actor, not an OS user
}

TEST_CASE("delete_task rolls back a half-created task but keeps its events") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("calc"), "alice");
  auto run = store.begin_run("calc", "tdd-setup..accept", "alice");
  StageResultRow result;
  result.run_id = run.id;
  result.task = "calc";
  result.tree_id = "tree";
  store.record_stage(result);
  store.create_task(sample_task("other"), "alice");

  store.delete_task("calc", "bob");
  CHECK_FALSE(store.find_task("calc"));
  CHECK_FALSE(store.last_run("calc"));
  CHECK(store.stage_results(run.id).empty());
  auto events = store.events("calc");
  REQUIRE(events.size() == 4);
  CHECK(events.front().action == "created");
  CHECK(events.back().action == "rolled_back_creation");
  CHECK(events.back().actor == "bob");
  CHECK(store.find_task("other"));
}

TEST_CASE("events are append-only, even through another connection") {
  TempDir dir;
  FakeClock clock;
  const auto db_path = dir.path() / "state.db";
  Store store(db_path, clock);
  store.create_task(sample_task("calc"), "alice");

  SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH_AS(raw.exec("UPDATE events SET actor = 'mallory'"),
                       doctest::Contains("events are append-only"), SQLite::Exception);
  CHECK_THROWS_WITH_AS(raw.exec("DELETE FROM events"), doctest::Contains("events are append-only"),
                       SQLite::Exception);
  auto events = store.events("calc");
  REQUIRE(events.size() == 1);
  CHECK(events[0].actor == "alice");
}

TEST_CASE("a state.db written by a newer factory is refused") {
  TempDir dir;
  FakeClock clock;
  const auto db_path = dir.path() / "state.db";
  { Store store(db_path, clock); }
  {
    SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = " + std::to_string(Store::schema_version() + 1));
  }
  try {
    Store store(db_path, clock);
    FAIL("newer schema accepted");
  } catch (const core::Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()).find("newer than this factory understands") != std::string::npos);
    CHECK(e.hint().find("upgrade factory") != std::string::npos);
  }
}

TEST_CASE("transactions nest: an inner failure handled by the caller undoes only the inner work") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.transaction([&] {
    store.append_event("t", std::nullopt, "alice", "outer");
    try {
      store.transaction([&] {
        store.append_event("t", std::nullopt, "alice", "inner");
        throw std::runtime_error("inner failed");
      });
    } catch (const std::runtime_error&) {
    }
    store.append_event("t", std::nullopt, "alice", "after");
  });
  auto events = store.events("t");
  REQUIRE(events.size() == 2);
  CHECK(events[0].action == "outer");
  CHECK(events[1].action == "after");

  CHECK_THROWS(store.transaction([&] {
    store.transaction([&] { store.append_event("t", std::nullopt, "alice", "lost"); });
    throw std::runtime_error("outer failed");
  }));
  CHECK(store.events("t").size() == 2);
}

TEST_CASE("append_event refuses a payload that is not a JSON object") {
  FakeClock clock;
  Store store(":memory:", clock);
  CHECK_THROWS(store.append_event("t", std::nullopt, "alice", "x", "not json"));
  CHECK(store.events("t").empty());
}

TEST_CASE("a reason that is not UTF-8 is recorded with U+FFFD, not lost with an error") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("calc"), "alice");
  store.set_status("calc", core::TaskStatus::running, "alice", "bad \xff byte");
  auto events = store.events("calc");
  REQUIRE(events.size() == 2);
  CHECK(events.back().payload.find("bad \xef\xbf\xbd byte") != std::string::npos);
  CHECK(store.find_task("calc")->status == core::TaskStatus::running);
}
