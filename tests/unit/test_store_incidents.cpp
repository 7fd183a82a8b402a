#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "store/store.hpp"
#include "unit/test_store_support.hpp"

using namespace factory;
using namespace factory::store;
using namespace factory::store::testing;

namespace {

IncidentRow sample_incident(const std::string& task) {
  IncidentRow incident;
  incident.task = task;
  incident.root_cause = "double refund";
  incident.test_id = "tests/test_pay.py::test_refund_twice";
  incident.paths = {"src/pay/**"};
  incident.actor = "lewis";
  return incident;
}

}  // namespace

TEST_CASE("add_incident stores the incident and appends an incident_added event on its task") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("pay-a"), "lewis");
  int64_t id = store.add_incident(sample_incident("pay-a"));
  CHECK(id == 1);
  CHECK(store.add_incident(sample_incident("pay-a")) == 2);

  auto incidents = store.list_incidents();
  REQUIRE(incidents.size() == 2);
  const auto& first = incidents.front();
  CHECK(first.id == 1);
  CHECK(first.task == "pay-a");
  CHECK(first.root_cause == "double refund");
  CHECK(first.test_id == "tests/test_pay.py::test_refund_twice");
  CHECK(first.paths == std::vector<std::string>{"src/pay/**"});
  CHECK(first.actor == "lewis");
  CHECK(first.created_at == clock.now_ms());
  CHECK(first.applied == 0);
  CHECK(first.caught == 0);

  auto events = store.events("pay-a");
  REQUIRE(events.size() == 3);  // created, then one per incident
  CHECK(events[1].action == "incident_added");
  CHECK(events[1].actor == "lewis");
  auto payload = payload_of(events[1]);
  CHECK(payload["incident"] == 1);
  CHECK(payload["test"] == "tests/test_pay.py::test_refund_twice");
  CHECK(payload["root_cause"] == "double refund");
  CHECK(payload["paths"] == nlohmann::json::array({"src/pay/**"}));
}

TEST_CASE("an incident without paths keeps an empty list") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "lewis");
  auto incident = sample_incident("a");
  incident.paths.clear();
  store.add_incident(incident);
  CHECK(store.list_incidents().front().paths.empty());
}

TEST_CASE("add_incident refuses an unknown task, an empty root cause and an empty test id") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "lewis");
  auto check_refused = [&](IncidentRow incident, const std::string& says) {
    try {
      store.add_incident(incident);
      FAIL("expected a usage error");
    } catch (const core::Error& e) {
      CHECK(e.code() == core::ExitCode::usage);
      CHECK(std::string(e.what()).find(says) != std::string::npos);
    }
  };
  check_refused(sample_incident("nope"), "no task 'nope'");
  auto blank_cause = sample_incident("a");
  blank_cause.root_cause = "  ";
  check_refused(blank_cause, "root cause is empty");
  auto no_test = sample_incident("a");
  no_test.test_id = "";
  check_refused(no_test, "test id is empty");
  CHECK(store.list_incidents().empty());
  CHECK(store.events("a").size() == 1);  // nothing but `created`
}

TEST_CASE("applied counts distinct tasks, caught counts every catch") {
  FakeClock clock;
  Store store(":memory:", clock);
  for (const char* id : {"a", "b", "c"}) store.create_task(sample_task(id), "lewis");
  int64_t first = store.add_incident(sample_incident("a"));
  int64_t second = store.add_incident(sample_incident("a"));
  store.record_incident_use(first, "b", IncidentUse::applied, std::nullopt, "lewis");
  store.record_incident_use(first, "b", IncidentUse::applied, std::nullopt, "lewis");
  store.record_incident_use(first, "c", IncidentUse::applied, std::nullopt, "lewis");
  auto run = store.begin_run("b", "unit-test..unit-test", "lewis");
  store.record_incident_use(first, "b", IncidentUse::caught, run.id, "system", "missing");
  store.record_incident_use(first, "b", IncidentUse::caught, run.id, "system", "failed");
  store.record_incident_use(second, "c", IncidentUse::caught, std::nullopt, "system");

  auto incidents = store.list_incidents();
  REQUIRE(incidents.size() == 2);
  CHECK(incidents[0].applied == 2);
  CHECK(incidents[0].caught == 2);
  CHECK(incidents[1].applied == 0);
  CHECK(incidents[1].caught == 1);

  std::vector<std::string> actions;
  EventRow caught;
  for (const auto& e : store.events("b")) {
    actions.push_back(e.action);
    if (e.action == "incident_caught") caught = e;
  }
  CHECK(std::count(actions.begin(), actions.end(), "incident_applied") == 2);
  CHECK(std::count(actions.begin(), actions.end(), "incident_caught") == 2);
  CHECK(caught.run_id == run.id);
  CHECK(caught.actor == "system");
  CHECK(payload_of(caught)["incident"] == first);
  CHECK(payload_of(caught)["test"] == "tests/test_pay.py::test_refund_twice");
  CHECK(payload_of(caught)["detail"] == "failed");
}

TEST_CASE("record_incident_use refuses an unknown incident and records nothing") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("a"), "lewis");
  CHECK_THROWS_AS(store.record_incident_use(7, "a", IncidentUse::applied, std::nullopt, "lewis"),
                  core::Error);
  CHECK(store.events("a").size() == 1);
}

TEST_CASE("incidents survive a reopen of the database file") {
  TempDir dir;
  FakeClock clock;
  auto db = dir.path() / "state.db";
  {
    Store store(db, clock);
    store.create_task(sample_task("a"), "lewis");
    store.create_task(sample_task("b"), "lewis");
    int64_t id = store.add_incident(sample_incident("a"));
    store.record_incident_use(id, "b", IncidentUse::applied, std::nullopt, "lewis");
  }
  Store reopened(db, clock);
  auto incidents = reopened.list_incidents();
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].applied == 1);
  SQLite::Database raw(db.string());
  CHECK(raw.execAndGet("SELECT paths FROM incidents").getString() == R"(["src/pay/**"])");
  CHECK(raw.execAndGet("SELECT kind FROM incident_uses").getString() == "applied");
}
