#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"
#include "unit/test_store_support.hpp"

using namespace factory;
using namespace factory::store;
using namespace factory::store::testing;

namespace {

EventRow row_of(std::string prev, int64_t seq, int64_t ts, std::string task,
                std::optional<int64_t> run_id, std::string actor, std::string action,
                std::string payload) {
  EventRow row;
  row.prev_hash = std::move(prev);
  row.seq = seq;
  row.ts = ts;
  row.task = std::move(task);
  row.run_id = run_id;
  row.actor = std::move(actor);
  row.action = std::move(action);
  row.payload = std::move(payload);
  return row;
}

// Every event of the trail, in seq order.
std::vector<EventRow> trail(const Store& store) {
  std::vector<EventRow> rows;
  store.for_each_event([&](const EventRow& row) { rows.push_back(row); });
  return rows;
}

}  // namespace

TEST_CASE("the event hash follows the documented encoding (vectors from Python's hashlib)") {
  // docs/AUDIT.md's snippet computed these; a change of encoding breaks every stored trail.
  const std::string first = "eb3c450b73e5270bdf559e1f12f2ce5723706b0bf00a0826b37146794d2d5af4";
  CHECK(event_hash(row_of(std::string(k_genesis_hash), 1, 1'700'000'000'000, "calc", std::nullopt,
                          "lewis", "created", R"({"lang":"python"})")) == first);
  const std::string payload = R"({"from":"created","reason":"looks good ✓","to":"in_progress"})";
  CHECK(event_hash(row_of(first, 2, 1'700'000'000'001, "calc", 7, "lewis", "status", payload)) ==
        "d56e0cc8b9ddf86adb859d63cd370fc8760aa2960b84700acb21c225cde585e0");
  // run_id NULL and run_id 0 are different events
  CHECK(event_hash(row_of(first, 2, 1'700'000'000'001, "calc", 0, "lewis", "status", payload)) ==
        "532b9452b697e0c49fb14fc0860f0139c57b18afe94ae9b53d3f4cd9e8c028f5");
}

TEST_CASE("the encoding keeps field boundaries: moving bytes between columns changes the hash") {
  auto a = row_of(std::string(k_genesis_hash), 1, 5, "ab", std::nullopt, "c", "x", "{}");
  auto b = row_of(std::string(k_genesis_hash), 1, 5, "a", std::nullopt, "bc", "x", "{}");
  CHECK(event_hash(a) != event_hash(b));
  EventHasher hasher;
  CHECK(hasher.hash(fields_of(a)) == event_hash(a));
  CHECK(hasher.hash(fields_of(b)) == event_hash(b));
}

TEST_CASE("appended events form a chain from the genesis hash, seq 1 up without gaps") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  clock.advance(10);
  store.set_status("a", core::TaskStatus::running, "alice", "started");
  auto run = store.begin_run("a", "tdd-setup..accept", "alice");
  store.end_run(run.id, "passed", "");
  CHECK(store.append_event("b", std::nullopt, "bob", "note", R"({"x":1})") == 5);

  auto rows = trail(store);
  REQUIRE(rows.size() == 5);
  std::string prev(k_genesis_hash);
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].seq == static_cast<int64_t>(i + 1));
    CHECK(rows[i].prev_hash == prev);
    CHECK(rows[i].hash.size() == 64);
    CHECK(rows[i].hash == event_hash(rows[i]));
    prev = rows[i].hash;
  }
  auto verified = store.verify_chain();
  CHECK(verified.intact());
  CHECK(verified.events == 5);
  CHECK(verified.last_seq == 5);
  CHECK(verified.digest == rows.back().hash);
}

TEST_CASE("an empty trail verifies with zero events") {
  FakeClock clock;
  Store store(":memory:", clock);
  auto verified = store.verify_chain();
  CHECK(verified.intact());
  CHECK(verified.events == 0);
  CHECK(verified.digest == k_genesis_hash);
}

TEST_CASE("a task's events, optionally since a time, in seq order") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "alice");
  store.create_task(sample_task("b"), "alice");
  const int64_t start = clock.now_ms();
  clock.advance(60'000);
  store.set_status("a", core::TaskStatus::running, "alice", "go");
  store.set_status("b", core::TaskStatus::running, "alice", "go");
  clock.advance(60'000);
  store.set_status("a", core::TaskStatus::failed, "alice", "red");

  auto all = store.events("a");
  REQUIRE(all.size() == 3);
  CHECK(all[0].action == "created");
  CHECK(all[2].seq > all[1].seq);
  CHECK(all[2].hash == event_hash(all[2]));

  auto recent = store.events("a", start + 60'000);
  REQUIRE(recent.size() == 2);
  CHECK(payload_of(recent[0])["to"] == "running");
  CHECK(payload_of(recent[1])["to"] == "failed");
  CHECK(store.events("a", start + 1'000'000).empty());
  CHECK(store.events("nobody").empty());
}

TEST_CASE("the task events query is served by the (task, seq) index") {
  TempDir dir;
  FakeClock clock;
  auto db_path = dir.path() / "state.db";
  { Store store(db_path, clock); }
  SQLite::Database raw(db_path.string());
  std::string plan;
  SQLite::Statement query(raw,
                          "EXPLAIN QUERY PLAN SELECT seq, ts, task, run_id, actor, action, "
                          "payload, prev_hash, hash FROM events WHERE task = ? AND ts >= ? "
                          "ORDER BY seq");
  while (query.executeStep()) plan += query.getColumn(3).getString() + "\n";
  CHECK(plan.find("USING INDEX events_by_task (task=?)") != std::string::npos);
  CHECK(plan.find("TEMP B-TREE") == std::string::npos);  // no sort
}

TEST_CASE("decision events are the ones synced to disk") {
  for (const char* action : {"approved", "rejected", "abandoned", "deployed", "rolled_back"}) {
    CHECK(is_decision_event(action, "{}"));
    CHECK(is_decision_event("status", std::string(R"({"to":")") + action + R"("})"));
  }
  CHECK_FALSE(is_decision_event("stage", R"({"to":"approved"})"));
  CHECK_FALSE(is_decision_event("status", R"({"to":"failed"})"));
  CHECK_FALSE(is_decision_event("status", R"({"from":"approved","to":"deployed2"})"));
  CHECK_FALSE(is_decision_event("status", "not json"));
  CHECK_FALSE(is_decision_event("run_started", "{}"));
}

TEST_CASE("a decision appended to a file store commits and stays chained") {
  TempDir dir;
  FakeClock clock;
  Store store(dir.path() / "state.db", clock);
  store.create_task(sample_task("a"), "alice");
  store.transaction([&] {
    store.append_event("a", std::nullopt, "lewis", "approved", R"({"note":"looks good"})");
  });
  store.append_event("a", std::nullopt, "lewis", "rejected", R"({"reason":"no"})");
  CHECK(store.verify_chain().events == 3);
}

TEST_CASE("an event rolled back with its transaction leaves no gap and no moved head") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.append_event("a", std::nullopt, "alice", "one");
  CHECK_THROWS_AS(store.transaction([&] {
    store.append_event("a", std::nullopt, "alice", "two");
    throw std::runtime_error("undo");
  }),
                  std::runtime_error);
  CHECK(store.append_event("a", std::nullopt, "alice", "three") == 2);
  CHECK(store.verify_chain().intact());
}

TEST_CASE("two stores on one file appending at once never fork the chain") {
  TempDir dir;
  auto db_path = dir.path() / "state.db";
  FakeClock clock;
  { Store init(db_path, clock); }
  constexpr int k_each = 150;
  auto append_many = [&](const std::string& who) {
    Store store(db_path, clock);
    for (int i = 0; i < k_each; ++i) {
      store.append_event("t-" + who, std::nullopt, who, "tick",
                         R"({"i":)" + std::to_string(i) + "}");
    }
  };
  std::thread first(append_many, "one");
  std::thread second(append_many, "two");
  first.join();
  second.join();

  Store store(db_path, clock);
  auto verified = store.verify_chain();
  CHECK(verified.intact());
  CHECK(verified.events == 2 * k_each);
  CHECK(store.events("t-one").size() == k_each);
  CHECK(store.events("t-two").size() == k_each);
}

TEST_CASE("audit_head cannot be deleted, and an append without it is refused") {
  TempDir dir;
  auto db_path = dir.path() / "state.db";
  FakeClock clock;
  Store store(db_path, clock);
  store.append_event("a", std::nullopt, "alice", "one");
  SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("DELETE FROM audit_head"));
  CHECK_THROWS(raw.exec("DELETE FROM events"));
  CHECK_THROWS(raw.exec("UPDATE events SET actor = 'mallory'"));
  raw.exec("DROP TRIGGER audit_head_no_delete");
  raw.exec("DELETE FROM audit_head");
  try {
    store.append_event("a", std::nullopt, "alice", "two");
    FAIL("the append went through without a head");
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ExitCode::blocked);
    CHECK(std::string(e.what()).find("audit_head") != std::string::npos);
  }
}

TEST_CASE("a version 2 state.db is migrated: its events are chained in seq order") {
  TempDir dir;
  auto db_path = dir.path() / "state.db";
  {
    // What an issue-4 factory wrote: steps 1 and 2, three events (one on a run).
    SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(migrations().at(0));
    raw.exec(migrations().at(1));
    raw.exec("PRAGMA user_version = 2");
    raw.exec(
        "INSERT INTO events(ts, task, run_id, actor, action, payload) VALUES"
        "(100, 'old', NULL, 'lewis', 'created', '{\"lang\":\"python\"}'),"
        "(200, 'old', 1, 'lewis', 'run_started', '{\"run\":1}'),"
        "(300, 'old', NULL, 'lewis', 'status', '{\"to\":\"failed\"}')");
  }
  FakeClock clock;
  Store store(db_path, clock);
  CHECK(store.user_version() == Store::schema_version());
  auto rows = trail(store);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].prev_hash == k_genesis_hash);
  CHECK(rows[0].hash == event_hash(rows[0]));
  CHECK(rows[1].prev_hash == rows[0].hash);
  CHECK(rows[1].run_id == 1);
  CHECK(rows[2].prev_hash == rows[1].hash);
  auto verified = store.verify_chain();
  CHECK(verified.intact());
  CHECK(verified.events == 3);

  // the migration put the update trigger back, and new events chain on
  SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("UPDATE events SET actor = 'mallory' WHERE seq = 1"));
  CHECK(store.append_event("old", std::nullopt, "lewis", "note") == 4);
  CHECK(store.verify_chain().events == 4);
}

TEST_CASE("a state.db from a newer factory is refused, untouched") {
  TempDir dir;
  auto db_path = dir.path() / "state.db";
  const int newer = Store::schema_version() + 1;
  {
    SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE future(x)");
    raw.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  const auto size_before = std::filesystem::file_size(db_path);
  FakeClock clock;
  try {
    Store store(db_path, clock);
    FAIL("a newer schema was opened");
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ExitCode::usage);
    CHECK(std::string(e.what()).find("newer") != std::string::npos);
    CHECK(e.hint().find("upgrade") != std::string::npos);
  }
  // not even switched to WAL: the newer factory's file is exactly as it was
  CHECK_FALSE(std::filesystem::exists(db_path.string() + "-wal"));
  CHECK(std::filesystem::file_size(db_path) == size_before);
  SQLite::Database raw(db_path.string());
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "delete");
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == newer);
  CHECK_FALSE(raw.tableExists("events"));
}

TEST_CASE("INSERT OR REPLACE cannot rewrite an event, though it skips the delete trigger") {
  TempDir dir;
  FakeClock clock;
  auto db_path = dir.path() / "state.db";
  Store store(db_path, clock);
  store.append_event("calc", std::nullopt, "lewis", "note");
  store.append_event("calc", std::nullopt, "lewis", "note");
  SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH(raw.exec("INSERT OR REPLACE INTO events(seq, ts, task, run_id, actor, action, "
                             "payload, prev_hash, hash) SELECT seq, ts, task, run_id, 'mallory', "
                             "action, payload, prev_hash, hash FROM events WHERE seq = 1"),
                    doctest::Contains("append-only"));
  CHECK(raw.execAndGet("SELECT actor FROM events WHERE seq = 1").getString() == "lewis");
  CHECK(store.verify_chain().events == 2);
}

TEST_CASE("a v2 database whose update trigger was dropped by hand still migrates") {
  TempDir dir;
  auto db_path = dir.path() / "state.db";
  {
    SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(migrations()[0]);
    raw.exec(migrations()[1]);
    raw.exec("INSERT INTO events(ts, task, actor, action) VALUES (1, 'old', 'lewis', 'created')");
    raw.exec("DROP TRIGGER events_no_update");
    raw.exec("PRAGMA user_version = 2");
  }
  FakeClock clock;
  Store store(db_path, clock);
  CHECK(store.user_version() == Store::schema_version());
  CHECK(store.verify_chain().events == 1);
  SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("UPDATE events SET actor = 'mallory' WHERE seq = 1"));  // put back
}
