#include <doctest/doctest.h>

#include "unit/test_store_support.hpp"

using namespace factory;
using namespace factory::store;
using namespace factory::store::testing;

TEST_CASE("a rollout row round-trips, target and all, and survives reopening the file") {
  TempDir dir;
  FakeClock clock;
  {
    Store store(dir.path() / "state.db", clock);
    store.create_task(sample_task("t"), "lewis");
    RolloutRow row;
    row.task = "t";
    row.flag = "f";
    row.strategy = "gradual";
    row.plan_json = "{}";
    row.step = 1;
    row.percentage = 1;
    row.target = 10;
    row.state = "monitoring";
    row.step_started_at = 42;
    row.flag_fingerprint = R"({"state":"ENABLED"})";
    row.pid = 1234;
    row.commit_id = "abc";
    row.note = "n";
    store.put_rollout(row);
  }
  Store store(dir.path() / "state.db", clock);
  auto row = store.find_rollout("t");
  REQUIRE(row);
  CHECK(row->step == 1);
  CHECK(row->percentage == 1);
  CHECK(row->target == 10);
  CHECK(row->flag_fingerprint == R"({"state":"ENABLED"})");
  CHECK(row->pid == 1234);
  CHECK(row->updated_at == clock.now_ms());
  row->target.reset();
  store.put_rollout(*row);
  CHECK_FALSE(store.find_rollout("t")->target);
  CHECK(store.list_rollouts().size() == 1);
  CHECK_FALSE(store.find_rollout("other"));
}

TEST_CASE("probe readings are kept per step in order, with missing values as such") {
  FakeClock clock;
  Store store(":memory:", clock);
  store.create_task(sample_task("t"), "lewis");
  store.record_probe({"t", 0, 0, 0, true, 0.02, false, "0.02\n", ""});
  store.record_probe({"t", 0, 1, 0, false, std::nullopt, false, "", "timed out after 1s"});
  store.record_probe({"t", 1, 0, 0, true, 0.5, true, "0.5\n", ""});
  auto step0 = store.probes("t", 0);
  REQUIRE(step0.size() == 2);
  CHECK(step0[0].value == doctest::Approx(0.02));
  CHECK(step0[0].at == clock.now_ms());
  CHECK_FALSE(step0[1].value);
  CHECK(step0[1].error == "timed out after 1s");
  CHECK(store.probes("t", 1)[0].fired);
}
