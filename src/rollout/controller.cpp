#include "rollout/controller.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "proc/interrupt.hpp"
#include "rollout/flag_file.hpp"
#include "rollout/row_sync.hpp"

// The rollout state machine. The database row is written before the flag file changes (with
// the percentage being written as `target`) and again after, so whatever stops the process, the
// row says which percentages the file can hold; `drive` reconciles the two when it starts.
namespace factory::rollout {

namespace {

using nlohmann::json;
using namespace detail;
void enter_step(RolloutEnv& env, store::RolloutRow& row, const Plan& plan, int index) {
  auto file = checked_file(env, row);
  const auto& step = plan.steps.at(index);
  const int from = row.percentage;
  row.step = index;
  row.step_started_at = 0;
  row.state = "monitoring";
  row.note.clear();
  write_percentage(env, row, file, step.percentage);
  row.step_started_at = env.clock.now_ms();
  env.store.transaction([&] {
    env.store.put_rollout(row);
    env.store.append_event(row.task, std::nullopt, env.actor, "rollout_step",
                           core::json_text(json{{"step", step.name},
                                                {"from", from},
                                                {"percentage", step.percentage},
                                                {"flag", row.flag}}));
  });
  env.say(fmt::format("flag {} → {}% (step {}, {} rule(s) watched for {} s, every {} s)", row.flag,
                      step.percentage, step.name, step.auto_rollback_on.size(),
                      step.duration.count() / 1000, plan.interval.count() / 1000));
}

// Records that the rollout stopped with the flag where it is (Ctrl-C, or `why`).
Stop interrupt(RolloutEnv& env, store::RolloutRow& row, const std::string& why = "") {
  auto next = row;
  next.state = "interrupted";
  next.pid = 0;
  next.note = why.empty() ? fmt::format(
                                "stopped at {}%: the flag stays there; factory rollout "
                                "resume {}",
                                row.percentage, row.task)
                          : why;
  if (!put_if_ours(env, row, next, [&] {
        env.store.append_event(
            row.task, std::nullopt, env.actor, "rollout_interrupted",
            core::json_text(json{{"percentage", row.percentage}, {"why", next.note}}));
      })) {
    return lost(env, row);
  }
  row = next;
  return Stop::interrupted;
}

// How many readings of each rule in a row, up to now, were errors: a resumed step keeps
// counting towards failure_limit instead of starting over.
std::vector<int> trailing_errors(const store::Store& store, const store::RolloutRow& row,
                                 size_t rules) {
  std::vector<int> errors(rules, 0);
  for (const auto& probe : store.probes(row.task, row.step)) {
    if (probe.rule < 0 || static_cast<size_t>(probe.rule) >= rules) continue;
    errors[probe.rule] = probe.ok ? 0 : errors[probe.rule] + 1;
  }
  return errors;
}

// One round of every rule of the step; the verdict of the first rule that fired.
std::optional<std::pair<std::string, std::string>> probe_round(RolloutEnv& env,
                                                               store::RolloutRow& row,
                                                               const core::DeploymentStep& step,
                                                               std::vector<int>& errors) {
  for (size_t i = 0; i < step.auto_rollback_on.size(); ++i) {
    const auto& rule = step.auto_rollback_on[i];
    auto reading = env.prober.read(rule);
    if (env.interrupted()) return std::nullopt;
    const int before = errors[i];
    errors[i] = reading.ok ? 0 : before + 1;
    Verdict verdict;
    try {
      verdict = judge(rule, reading, errors[i]);
    } catch (const core::Error& e) {
      // PCRE2 gave up on this output: a probe error counted towards failure_limit, not an end
      // of the rollout with the flag left on and nobody watching.
      reading.ok = false;
      reading.error = e.what();
      reading.output.clear();
      errors[i] = before + 1;
      verdict = judge(rule, reading, errors[i]);
    } catch (const core::Error& e) {
      // PCRE2 gave up on this output: a probe error counted towards failure_limit, not an end
      // of the rollout with the flag left on and nobody watching.
      if (reading.ok) errors[i] += 1;
      reading.ok = false;
      reading.error = e.what();
      reading.output.clear();
      verdict = judge(rule, reading, errors[i]);
    }
    // A log rule reads up to 64 KiB; the database keeps the tail, enough to show what was seen.
    const auto& out = reading.output;
    std::string kept =
        out.size() > k_reading_tail_bytes ? out.substr(out.size() - k_reading_tail_bytes) : out;
    store::ProbeRow probe{row.task,           row.step,   static_cast<int>(i),
                          env.clock.now_ms(), reading.ok, reading.value,
                          verdict.fired,      kept,       reading.error};
    env.store.record_probe(probe);
    std::string seen =
        reading.ok ? (reading.value ? fmt::format("{}", *reading.value) : "ok") : reading.error;
    env.say(fmt::format("  {}: {}", describe_rule(rule), seen));
    if (verdict.fired) {
      std::string evidence = reading.ok ? reading.output : reading.error + "\n" + reading.output;
      return std::make_pair(verdict.reason, evidence);
    }
  }
  return std::nullopt;
}

// Watches the current step until its duration is over; a Stop when it ends otherwise.
std::optional<Stop> monitor_step(RolloutEnv& env, store::RolloutRow& row, const Plan& plan) {
  const auto& step = plan.steps.at(row.step);
  const int64_t end = row.step_started_at + step.duration.count();
  auto errors = trailing_errors(env.store, row, step.auto_rollback_on.size());
  while (true) {
    if (!still_ours(env, row)) return lost(env, row);
    try {
      checked_file(env, row);
    } catch (const core::Error& e) {
      interrupt(env, row, fmt::format("stopped: {}", e.what()));
      throw;
    }
    auto fired = probe_round(env, row, step, errors);
    if (env.interrupted()) return interrupt(env, row);
    if (fired) {
      roll_back(env, row.task,
                fmt::format("{} at {}%: {}", step.name, row.percentage, fired->first),
                fired->second, true);
      return Stop::rolled_back;
    }
    const int64_t now = env.clock.now_ms();
    if (now >= end) return std::nullopt;
    if (!env.waiter.wait_until(std::min(now + plan.interval.count(), end))) {
      return interrupt(env, row);
    }
  }
}

Stop finish(RolloutEnv& env, store::RolloutRow& row, const Plan& plan) {
  auto next = row;
  next.pid = 0;
  if (row.strategy == "manual" && row.percentage < 100) {
    next.state = "waiting_manual";
    next.note = fmt::format("at {}%: set the next percentage with factory rollout set {} N",
                            row.percentage, row.task);
    if (!put_if_ours(env, row, next, [] {})) return lost(env, row);
    row = next;
    return Stop::waiting_manual;
  }
  next.state = "complete";
  next.note = fmt::format("{} step(s) passed monitoring; the flag stays at {}%", plan.steps.size(),
                          row.percentage);
  if (!put_if_ours(env, row, next, [&] {
        env.store.set_status(row.task, core::TaskStatus::monitoring_complete, env.actor, next.note);
      })) {
    return lost(env, row);
  }
  row = next;
  return Stop::complete;
}

// Monitors the current step and moves on until something stops the rollout.
Stop run_from(RolloutEnv& env, store::RolloutRow& row, Plan& plan) {
  while (true) {
    if (row.step >= 0) {
      if (auto stop = monitor_step(env, row, plan)) return *stop;
    }
    const int next = row.step + 1;
    if (next >= static_cast<int>(plan.steps.size())) return finish(env, row, plan);
    const auto& step = plan.steps[next];
    if (step.requires_decision || step.requires_approval) {
      auto waiting = row;
      waiting.state = "waiting_decision";
      waiting.pid = 0;
      waiting.note = fmt::format("step {} ({}%) waits for a decision: factory rollout advance {}",
                                 step.name, step.percentage, row.task);
      if (!put_if_ours(env, row, waiting, [] {})) return lost(env, row);
      row = waiting;
      return Stop::waiting_decision;
    }
    if (!still_ours(env, row)) return lost(env, row);
    enter_step(env, row, plan, next);
  }
}

// The row, reconciled with the flag file and claimed by this process.
store::RolloutRow claim(RolloutEnv& env, const std::string& task) {
  auto row = require_rollout(env.store, task);
  reconcile(env, row);
  row.pid = static_cast<int64_t>(getpid());
  env.store.put_rollout(row);
  return row;
}

// A rollback that could not write the flag file (unreadable, or not writable) leaves the flag
// where it was: the row and the trail say so, and the error tells the person to act now.
[[noreturn]] void record_failed_rollback(RolloutEnv& env, store::RolloutRow& row,
                                         const std::string& reason, const std::string& evidence,
                                         const core::Error& error) {
  row.target.reset();
  row.state = "rolling_back";  // resume or rollback finishes it; nothing moves the flag up
  row.pid = 0;
  row.note = reason;
  env.store.transaction([&] {
    env.store.put_rollout(row);
    env.store.append_event(
        row.task, std::nullopt, env.actor, "rollback_failed",
        core::json_text(json{{"reason", reason}, {"error", error.what()}, {"evidence", evidence}}));
  });
  throw core::Error(
      error.code(),
      fmt::format("could not turn flag '{}' off ({}): {}", row.flag, reason, error.what()),
      fmt::format("the flag may still be on: fix {} now, then run 'factory rollback "
                  "{} --reason TEXT'",
                  env.flag_file.string(), row.task));
}

}  // namespace

store::RolloutRow require_rollout(const store::Store& store, const std::string& task) {
  auto row = store.find_rollout(task);
  if (!row) {
    throw core::Error(core::ExitCode::usage, fmt::format("'{}' has no rollout", task),
                      fmt::format("start one with: factory deploy {}", task));
  }
  return *row;
}

bool SystemWaiter::wait_until(int64_t deadline_ms) {
  while (m_clock.now_ms() < deadline_ms) {
    if (proc::interrupt_requested()) return false;
    const int64_t left = deadline_ms - m_clock.now_ms();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp<int64_t>(left, 1, 100)));
  }
  return !proc::interrupt_requested();
}

void start_rollout(RolloutEnv& env, const std::string& task, const std::string& flag,
                   const std::string& strategy, const Plan& plan, const std::string& commit_id,
                   const FlagFile& file) {
  store::RolloutRow row;
  row.task = task;
  row.flag = flag;
  row.strategy = strategy;
  row.plan_json = plan_to_json(plan);
  row.state = "monitoring";
  row.commit_id = commit_id;
  row.flag_fingerprint = file.fingerprint(flag);
  row.percentage = file.rollout_percentage(flag).value_or(0);
  env.store.clear_probes(task);  // an earlier rollout's readings are not this one's
  env.store.put_rollout(row);
}

Stop drive(RolloutEnv& env, const std::string& task) {
  auto row = claim(env, task);
  if (row.state == "rolling_back") {
    roll_back(env, task, row.note, "finished by resume after an interrupted rollback", false);
    return Stop::rolled_back;
  }
  if (row.state == "waiting_decision") return Stop::waiting_decision;
  if (row.state == "waiting_manual") return Stop::waiting_manual;
  if (row.state == "complete") return Stop::complete;
  if (row.state == "rolled_back") return Stop::rolled_back;
  row.state = "monitoring";
  row.note.clear();
  env.store.put_rollout(row);
  auto plan = plan_from_json(row.plan_json);
  return run_from(env, row, plan);
}

Stop advance(RolloutEnv& env, const std::string& task, bool interactive,
             const std::string& metrics) {
  auto row = require_rollout(env.store, task);
  auto plan = plan_from_json(row.plan_json);
  const int next = row.step + 1;
  if (row.state != "waiting_decision" || next >= static_cast<int>(plan.steps.size())) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("the rollout of '{}' is not waiting for a decision (it is {})",
                                  task, row.state),
                      fmt::format("see where it is: factory rollout status {}", task));
  }
  row = claim(env, task);
  env.store.append_event(task, std::nullopt, env.actor, "rollout_decision",
                         core::json_text(json{{"step", plan.steps[next].name},
                                              {"from", row.percentage},
                                              {"to", plan.steps[next].percentage},
                                              {"metrics", metrics},
                                              {"interactive", interactive}}));
  enter_step(env, row, plan, next);
  return run_from(env, row, plan);
}

Stop set_manual(RolloutEnv& env, const std::string& task, int percentage,
                std::chrono::milliseconds duration, const std::vector<core::RollbackRule>& rules) {
  auto row = require_rollout(env.store, task);
  if (row.state == "rolled_back" || row.state == "complete" || row.state == "removed") {
    throw core::Error(
        core::ExitCode::blocked,
        fmt::format("the rollout of '{}' is {}: its percentage is final", task, row.state),
        fmt::format("see it with: factory rollout status {}", task));
  }
  row = claim(env, task);
  auto plan = plan_from_json(row.plan_json);
  core::DeploymentStep step;
  step.name = fmt::format("manual-{}", plan.steps.size() + 1);
  step.percentage = percentage;
  step.duration = duration;
  step.auto_rollback_on = rules;
  plan.steps.push_back(step);
  row.plan_json = plan_to_json(plan);
  env.store.append_event(
      task, std::nullopt, env.actor, "rollout_decision",
      core::json_text(json{
          {"step", step.name}, {"from", row.percentage}, {"to", percentage}, {"manual", true}}));
  enter_step(env, row, plan, static_cast<int>(plan.steps.size()) - 1);
  return run_from(env, row, plan);
}

void roll_back(RolloutEnv& env, const std::string& task, const std::string& reason,
               const std::string& evidence, bool automatic) {
  auto row = require_rollout(env.store, task);
  if (row.state == "rolled_back") return;  // another process got there first
  // Turning it off wins over a hand edit: this is the one write that never waits for a person.
  // The intent is on disk first, so a kill in the middle is finished by resume, not undone.
  row.state = "rolling_back";
  row.note = reason;
  env.store.put_rollout(row);
  const int from = row.percentage;
  std::string held;  // what the file said, which differs from `from` after a hand edit
  try {
    auto file = FlagFile::load(env.flag_file);
    held = percentage_text(file, row.flag);
    write_percentage(env, row, file, 0);
  } catch (const core::Error& e) {
    record_failed_rollback(env, row, reason, evidence, e);
  }
  row.state = "rolled_back";
  row.pid = 0;
  row.note = reason;
  env.store.transaction([&] {
    env.store.put_rollout(row);
    env.store.append_event(task, std::nullopt, env.actor, "rolled_back",
                           core::json_text(json{{"reason", reason},
                                                {"from", from},
                                                {"file_held", held},
                                                {"flag", row.flag},
                                                {"automatic", automatic},
                                                {"evidence", evidence}}));
    env.store.set_status(task, core::TaskStatus::rolled_back, env.actor, reason);
  });
  env.say(fmt::format("rolled back {}: flag {} is at 0% (every user gets the default variant)",
                      task, row.flag));
}

}  // namespace factory::rollout
