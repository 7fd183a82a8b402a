#include <doctest/doctest.h>

#include <deque>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "rollout/controller.hpp"
#include "rollout/flag_file.hpp"
#include "unit/test_store_support.hpp"

using namespace factory;
using namespace factory::rollout;
using store::testing::FakeClock;
using store::testing::TempDir;

namespace {

// Hands out scripted readings in order; the last one repeats.
struct ScriptedProber : Prober {
  std::deque<ProbeReading> script;
  int reads = 0;
  ProbeReading read(const core::RollbackRule&) override {
    ++reads;
    ProbeReading r = script.front();
    if (script.size() > 1) script.pop_front();
    return r;
  }
};

// Moves the fake clock to the deadline at once; `interrupt_after` waits then reports Ctrl-C.
struct InstantWaiter : Waiter {
  FakeClock& clock;
  int interrupt_after = -1;
  int waits = 0;
  explicit InstantWaiter(FakeClock& c) : clock(c) {}
  bool wait_until(int64_t deadline) override {
    if (interrupt_after >= 0 && waits++ >= interrupt_after) return false;
    clock.advance(std::max<int64_t>(0, deadline - clock.now_ms()));
    return true;
  }
};

ProbeReading number(double v) {
  return {true, v, std::to_string(v), ""};
}

core::DeploymentStep step(const std::string& name, int pct, int seconds, bool decision = false) {
  core::DeploymentStep s;
  s.name = name;
  s.percentage = pct;
  s.duration = std::chrono::seconds(seconds);
  s.requires_decision = decision;
  return s;
}

core::RollbackRule error_rate_rule() {
  core::RollbackRule rule;
  rule.metric = "error_rate";
  rule.probe = "probe";
  rule.above = 0.1;
  return rule;
}

struct Rig {
  TempDir dir;
  FakeClock clock;
  store::Store db{":memory:", clock};
  ScriptedProber prober;
  InstantWaiter waiter{clock};
  std::vector<std::string> said;
  bool interrupted = false;
  RolloutEnv env{db,
                 prober,
                 clock,
                 waiter,
                 dir.path() / "flags.json",
                 "lewis",
                 [this](const std::string& l) { said.push_back(l); },
                 [this] { return interrupted; }};

  Rig() {
    db.create_task(store::testing::sample_task("t"), "lewis");
    for (auto s :
         {core::TaskStatus::running, core::TaskStatus::ready_for_decision,
          core::TaskStatus::approved, core::TaskStatus::deployed, core::TaskStatus::monitoring}) {
      db.set_status("t", s, "lewis", "");
    }
    prober.script.push_back(number(0.01));
  }

  void start(const core::Deployment& d) {
    start_rollout(env, "t", "f", "gradual", make_plan(d), "c0", FlagFile::load(env.flag_file));
  }
  int percentage() { return *FlagFile::load(env.flag_file).rollout_percentage("f"); }
  core::TaskStatus status() { return db.find_task("t")->status; }
};

core::Deployment three_steps() {
  core::Deployment d;
  d.interval = std::chrono::seconds(10);
  d.steps = {step("canary", 1, 30), step("early", 10, 30, true), step("all", 100, 0)};
  d.steps[0].auto_rollback_on.push_back(error_rate_rule());
  return d;
}

}  // namespace

TEST_CASE("a gradual rollout walks its steps, stops for the decision and completes") {
  Rig rig;
  rig.start(three_steps());
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
  CHECK(rig.percentage() == 1);
  CHECK(rig.prober.reads == 4);  // a round at 0, 10, 20 and 30 s of the 30 s step
  auto row = *rig.db.find_rollout("t");
  CHECK(row.state == "waiting_decision");
  CHECK(step_metrics(rig.db, row, plan_from_json(row.plan_json)) == "error_rate max 0.01");

  CHECK(advance(rig.env, "t", true, "error_rate max 0.01") == Stop::complete);
  CHECK(rig.percentage() == 100);
  CHECK(rig.status() == core::TaskStatus::monitoring_complete);
  // the canary's rule is still watched at the later steps
  CHECK(rig.prober.reads == 4 + 4 + 1);
}

TEST_CASE("a rule that fires turns the flag off at once and records why") {
  Rig rig;
  rig.prober.script = {number(0.01), number(0.5)};
  rig.start(three_steps());
  CHECK(drive(rig.env, "t") == Stop::rolled_back);
  CHECK(rig.percentage() == 0);
  CHECK(rig.status() == core::TaskStatus::rolled_back);
  auto events = rig.db.events("t");
  auto it =
      std::find_if(events.begin(), events.end(), [](auto& e) { return e.action == "rolled_back"; });
  REQUIRE(it != events.end());
  auto payload = nlohmann::json::parse(it->payload);
  CHECK(payload["from"] == 1);
  CHECK(payload["automatic"] == true);
  CHECK(payload["reason"].get<std::string>().find("canary at 1%") != std::string::npos);
}

TEST_CASE("an interrupted step resumes with the time it had left, not from the start") {
  Rig rig;
  rig.waiter.interrupt_after = 1;  // Ctrl-C during the second wait (after 10 s)
  rig.start(three_steps());
  CHECK(drive(rig.env, "t") == Stop::interrupted);
  CHECK(rig.db.find_rollout("t")->state == "interrupted");
  CHECK(rig.percentage() == 1);  // the flag stays where it was
  CHECK(rig.status() == core::TaskStatus::monitoring);
  const int before = rig.prober.reads;

  rig.waiter.interrupt_after = -1;
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
  CHECK(rig.prober.reads - before == 3);  // rounds at 10, 20, 30 s: 20 s were left
}

TEST_CASE("a crash between the database and the flag file is finished by the next drive") {
  Rig rig;
  rig.start(three_steps());
  // as if the process died after recording target 1 but before writing the file
  auto row = *rig.db.find_rollout("t");
  row.step = 0;
  row.target = 1;
  rig.db.put_rollout(row);
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
  CHECK(rig.percentage() == 1);
  CHECK_FALSE(rig.db.find_rollout("t")->target);
}

TEST_CASE("a hand edit of factory's flag stops the rollout, but never a rollback") {
  Rig rig;
  rig.start(three_steps());
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
  auto file = FlagFile::load(rig.env.flag_file);
  file.set_rollout("f", 50, "someone");
  file.save(rig.env.flag_file);
  CHECK_THROWS_AS(advance(rig.env, "t", true, ""), core::Error);
  CHECK(rig.percentage() == 50);  // not overwritten

  roll_back(rig.env, "t", "by hand", "", false);
  CHECK(rig.percentage() == 0);
  CHECK(rig.status() == core::TaskStatus::rolled_back);
}

TEST_CASE("canary is the first step, a decision, then 100%; rules carry forward") {
  auto d = three_steps();
  d.strategy = core::RolloutStrategy::canary;
  auto p99 = error_rate_rule();
  p99.metric = "p99_ms";
  d.steps[2].auto_rollback_on.push_back(p99);
  auto plan = make_plan(d);
  REQUIRE(plan.steps.size() == 2);
  CHECK(plan.steps[0].percentage == 1);
  CHECK(plan.steps[1].percentage == 100);
  CHECK(plan.steps[1].requires_decision);
  // the canary's rule and the later steps' rules are all watched at 100%
  REQUIRE(plan.steps[1].auto_rollback_on.size() == 2);
  CHECK(plan.steps[1].auto_rollback_on[1].metric == "p99_ms");
  CHECK(plan_from_json(plan_to_json(plan)).steps[1].auto_rollback_on[0].above == 0.1);
  CHECK(plan_from_json(plan_to_json(plan)).steps[1].auto_rollback_on[1].metric == "p99_ms");

  d.strategy = core::RolloutStrategy::manual;
  CHECK(make_plan(d).steps.empty());
}

TEST_CASE("a manual rollout moves only when a person sets it, and completes at 100%") {
  Rig rig;
  core::Deployment d = three_steps();
  d.strategy = core::RolloutStrategy::manual;
  start_rollout(rig.env, "t", "f", "manual", make_plan(d), "c0", FlagFile::load(rig.env.flag_file));
  CHECK(drive(rig.env, "t") == Stop::waiting_manual);
  CHECK(set_manual(rig.env, "t", 25, std::chrono::seconds(0), all_rules(d)) ==
        Stop::waiting_manual);
  CHECK(rig.percentage() == 25);
  CHECK(set_manual(rig.env, "t", 100, std::chrono::seconds(0), all_rules(d)) == Stop::complete);
  CHECK(rig.status() == core::TaskStatus::monitoring_complete);
}

TEST_CASE("a rollback that cannot read the flag file says so and leaves a trail, not a crash") {
  Rig rig;
  rig.start(three_steps());
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
  { std::ofstream(rig.env.flag_file) << "{ not json"; }
  CHECK_THROWS_WITH_AS(roll_back(rig.env, "t", "p99 doubled", "", false),
                       doctest::Contains("could not turn flag 'f' off (p99 doubled)"), core::Error);
  auto row = *rig.db.find_rollout("t");
  CHECK(row.state == "rolling_back");
  CHECK(row.note == "p99 doubled");
  CHECK(rig.status() == core::TaskStatus::monitoring);  // not rolled back: the flag is not off
  CHECK(rig.db.events("t").back().action == "rollback_failed");

  // once the file is readable again, resuming finishes the rollback instead of the rollout
  FlagFile file;
  file.set_rollout("f", 1, "t");
  file.save(rig.env.flag_file);
  CHECK(drive(rig.env, "t") == Stop::rolled_back);
  CHECK(rig.percentage() == 0);
  CHECK(rig.status() == core::TaskStatus::rolled_back);
}

TEST_CASE("a rollback killed half way is finished by resume, never undone") {
  Rig rig;
  rig.start(three_steps());
  rig.waiter.interrupt_after = 0;
  CHECK(drive(rig.env, "t") == Stop::interrupted);
  // as if `factory rollback` died after its first write: intent and target on disk, file not
  auto row = *rig.db.find_rollout("t");
  row.state = "rolling_back";
  row.note = "by hand";
  row.target = 0;
  rig.db.put_rollout(row);
  rig.waiter.interrupt_after = -1;
  CHECK(drive(rig.env, "t") == Stop::rolled_back);
  CHECK(rig.percentage() == 0);
  CHECK(rig.status() == core::TaskStatus::rolled_back);
}

// Runs `fn` in the middle of the watcher's first wait, as another process would.
struct MeddlingWaiter : InstantWaiter {
  std::function<void()> fn;
  using InstantWaiter::InstantWaiter;
  bool wait_until(int64_t deadline) override {
    if (fn) std::exchange(fn, nullptr)();
    return InstantWaiter::wait_until(deadline);
  }
};

TEST_CASE("a rollback by another process while a step is watched is not undone by the watcher") {
  Rig rig;
  MeddlingWaiter meddler(rig.clock);
  RolloutEnv watcher{rig.db,  rig.prober,  rig.clock,          meddler, rig.env.flag_file,
                     "lewis", rig.env.say, rig.env.interrupted};
  meddler.fn = [&] { roll_back(rig.env, "t", "by hand", "", false); };
  rig.start(three_steps());
  CHECK(drive(watcher, "t") == Stop::rolled_back);
  CHECK(rig.percentage() == 0);
  CHECK(rig.db.find_rollout("t")->state == "rolled_back");
  CHECK(rig.db.find_rollout("t")->note == "by hand");
  CHECK(rig.status() == core::TaskStatus::rolled_back);
}

TEST_CASE("Ctrl-C after another process rolled back leaves the rollback as it is") {
  Rig rig;
  MeddlingWaiter meddler(rig.clock);
  meddler.interrupt_after = 0;
  RolloutEnv watcher{rig.db,  rig.prober,  rig.clock,          meddler, rig.env.flag_file,
                     "lewis", rig.env.say, rig.env.interrupted};
  meddler.fn = [&] { roll_back(rig.env, "t", "by hand", "", false); };
  rig.start(three_steps());
  CHECK(drive(watcher, "t") == Stop::rolled_back);
  CHECK(rig.db.find_rollout("t")->state == "rolled_back");
  CHECK(rig.db.find_rollout("t")->percentage == 0);
}

TEST_CASE("a resumed step whose start was never kept gets its whole duration") {
  Rig rig;
  rig.start(three_steps());
  rig.waiter.interrupt_after = 0;
  CHECK(drive(rig.env, "t") == Stop::interrupted);
  auto row = *rig.db.find_rollout("t");
  row.step_started_at = 0;  // killed between the flag write and keeping the step's start
  rig.db.put_rollout(row);
  rig.waiter.interrupt_after = -1;
  const int before = rig.prober.reads;
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
  CHECK(rig.prober.reads - before == 4);  // 0, 10, 20, 30 s: the whole 30 s step
}

TEST_CASE("a new rollout of the same task does not count the old one's probe errors") {
  Rig rig;
  rig.db.record_probe({"t", 0, 0, 0, false, std::nullopt, false, "", "exited with 1"});
  rig.db.record_probe({"t", 0, 0, 0, false, std::nullopt, false, "", "exited with 1"});
  rig.prober.script = {ProbeReading{false, std::nullopt, "", "exited with 1"}, number(0.01)};
  rig.start(three_steps());  // failure_limit 3: one error now must not fire
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
}

TEST_CASE("a hand edit that turns the flag on for everyone stops the rollout, not the rollback") {
  Rig rig;
  rig.start(three_steps());
  CHECK(drive(rig.env, "t") == Stop::waiting_decision);
  {
    std::ofstream(rig.env.flag_file) << R"({"flags": {"f": {"state": "ENABLED",
      "variants": {"on": true, "off": false}, "defaultVariant": "on"}}})";
  }
  CHECK_THROWS_WITH_AS(drive(rig.env, "t"), doctest::Contains("it holds 100% where factory set 1%"),
                       core::Error);
  roll_back(rig.env, "t", "someone turned it on for everyone", "", false);
  CHECK(rig.percentage() == 0);
}

TEST_CASE("a log pattern PCRE2 gives up on counts as a probe error, not the end of the watch") {
  Rig rig;
  core::Deployment d;
  d.interval = std::chrono::seconds(10);
  d.steps = {step("canary", 1, 30)};
  core::RollbackRule rule;
  rule.probe = "tail log";
  rule.log_match = "^(a|a)+$";
  rule.failure_limit = 2;
  d.steps[0].auto_rollback_on.push_back(rule);
  rig.prober.script = {ProbeReading{true, std::nullopt, std::string(40, 'a') + "b", ""}};
  rig.start(d);
  CHECK(drive(rig.env, "t") == Stop::rolled_back);
  CHECK(rig.prober.reads == 2);  // the first error did not fire; the second reached the limit
  CHECK(rig.db.find_rollout("t")->note.find("2 times in a row") != std::string::npos);
}
