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

// The rollout state machine. The database row is written before the flag file changes (with
// the percentage being written as `target`) and again after, so whatever stops the process, the
// row says which percentages the file can hold; `drive` reconciles the two when it starts.
namespace factory::rollout {

namespace {

using nlohmann::json;

// The flag's percentage, or a description when a hand edit left it in a shape factory does not
// write (which must not keep a rollback or a message from happening).
std::string percentage_text(const FlagFile& file, const std::string& flag) {
  try {
    auto now = file.rollout_percentage(flag);
    return now ? fmt::format("{}%", *now) : "no flag";
  } catch (const core::Error&) {
    return "a flag factory did not write";
  }
}

core::Error edited_by_hand(const RolloutEnv& env, const store::RolloutRow& row,
                           const FlagFile& file) {
  std::string found = percentage_text(file, row.flag);
  return core::Error(
      core::ExitCode::blocked,
      fmt::format("flag '{}' in {} was changed outside factory: it holds {} where factory set {}%",
                  row.flag, env.flag_file.string(), found, row.percentage),
      fmt::format("put the flag back (the file's history, or factory rollout set for a manual "
                  "rollout) and run 'factory rollout resume {}', or turn it off with 'factory "
                  "rollback {} --reason TEXT'",
                  row.task, row.task));
}

// Loads the flag file and checks that factory's flag is what the row says it wrote.
FlagFile checked_file(const RolloutEnv& env, const store::RolloutRow& row) {
  auto file = FlagFile::load(env.flag_file);
  if (file.fingerprint(row.flag) != row.flag_fingerprint) throw edited_by_hand(env, row, file);
  return file;
}

// Writes `percentage` into the file: target first, so a crash in between is seen by drive().
void write_percentage(RolloutEnv& env, store::RolloutRow& row, FlagFile& file, int percentage) {
  row.target = percentage;
  env.store.put_rollout(row);
  file.set_rollout(row.flag, percentage, row.task);
  file.save(env.flag_file);
  row.percentage = percentage;
  row.target.reset();
  row.flag_fingerprint = file.fingerprint(row.flag);
  env.store.put_rollout(row);
}

// A process that stopped between the two writes left `target`: finish or redo its write. A
// rollback that was under way is left to roll_back, which wins over anything in the file.
void reconcile(RolloutEnv& env, store::RolloutRow& row) {
  if (row.state == "rolling_back") return;
  auto file = FlagFile::load(env.flag_file);
  if (!row.target) {
    if (file.fingerprint(row.flag) != row.flag_fingerprint) throw edited_by_hand(env, row, file);
    if (row.step >= 0 && row.step_started_at == 0) {  // killed before the step's start was kept
      row.step_started_at = env.clock.now_ms();
      env.store.put_rollout(row);
    }
    return;
  }
  if (file.rollout_percentage(row.flag) == row.target && file.owned_by_factory(row.flag)) {
    row.percentage = *row.target;
    row.target.reset();
    row.flag_fingerprint = file.fingerprint(row.flag);
  } else if (file.fingerprint(row.flag) == row.flag_fingerprint) {
    write_percentage(env, row, file, *row.target);
  } else {
    throw edited_by_hand(env, row, file);
  }
  if (row.step_started_at == 0) row.step_started_at = env.clock.now_ms();
  env.store.put_rollout(row);
}

// Whether the database still holds what this process last wrote: another factory process
// (a rollback, a second resume) changes the state, the target or the fingerprint.
bool still_ours(const RolloutEnv& env, const store::RolloutRow& row) {
  auto fresh = env.store.find_rollout(row.task);
  return fresh && fresh->state == row.state && fresh->target == row.target &&
         fresh->flag_fingerprint == row.flag_fingerprint;
}

// This process lost the rollout to another one: report what that one did, write nothing.
Stop lost(const RolloutEnv& env, const store::RolloutRow& row) {
  auto fresh = require_rollout(env.store, row.task);
  if (fresh.state == "rolled_back" || fresh.state == "rolling_back") return Stop::rolled_back;
  throw core::Error(core::ExitCode::blocked,
                    fmt::format("another factory process changed the rollout of '{}' meanwhile "
                                "(it is {} at {}%): this one stops",
                                row.task, fresh.state, fresh.percentage),
                    fmt::format("see where it is: factory rollout status {}", row.task));
}

// Writes `next` (with `also` in the same transaction) unless another process changed the row
// since `row` was read; false when it did.
template <typename Also>
bool put_if_ours(RolloutEnv& env, const store::RolloutRow& row, const store::RolloutRow& next,
                 Also&& also) {
  bool ours = false;
  env.store.transaction([&] {
    ours = still_ours(env, row);
    if (!ours) return;
    env.store.put_rollout(next);
    also();
  });
  return ours;
}

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

std::string step_metrics(const store::Store& store, const store::RolloutRow& row,
                         const Plan& plan) {
  if (row.step < 0 || row.step >= static_cast<int>(plan.steps.size())) return "no probes yet";
  const auto& rules = plan.steps[row.step].auto_rollback_on;
  if (rules.empty()) return "no probes";
  auto readings = store.probes(row.task, row.step);
  std::vector<std::string> parts;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    std::optional<double> low, high;
    int errors = 0, fired = 0;
    for (const auto& r : readings) {
      if (r.rule != static_cast<int>(i)) continue;
      if (!r.ok) ++errors;
      if (r.fired) ++fired;
      if (r.value) {
        high = std::max(high.value_or(*r.value), *r.value);
        low = std::min(low.value_or(*r.value), *r.value);
      }
    }
    std::string part;
    if (rule.above && high) part = fmt::format("{} max {}", rule.metric, *high);
    if (rule.below && low) {
      part += fmt::format("{}{} min {}", part.empty() ? "" : ", ", rule.metric, *low);
    }
    if (!rule.log_match.empty()) {
      part += fmt::format("{}{} log matches", part.empty() ? "" : ", ", fired);
    }
    if (part.empty()) part = fmt::format("{}: no reading", describe_rule(rule));
    if (errors > 0) part += fmt::format(" ({} probe errors)", errors);
    parts.push_back(part);
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace factory::rollout
