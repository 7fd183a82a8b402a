#include "pipeline/engine.hpp"
#include "pipeline/decision.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/task_status.hpp"
#include "pipeline/cycle.hpp"
#include "pipeline/readiness.hpp"

namespace factory::pipeline {

using core::Outcome;
using core::Stage;

Engine::Engine(EngineDeps deps, TaskSetup setup) : m_deps(deps), m_setup(std::move(setup)) {}

bool Engine::is_tcr(Stage stage) const {
  return core::tcr_behavior_for(m_setup.contract, stage).enabled;
}

RunSummary Engine::run(const RunOptions& options) {
  auto& task = m_setup.task;
  if (!core::is_workable(task.status)) {
    core::check_transition(task.status, core::TaskStatus::running);
  }
  std::string range = fmt::format("{}..{}", core::stage_name(options.stages.front()),
                                  core::stage_name(options.stages.back()));
  Cycle cycle;
  cycle.run = m_deps.store.begin_run(task.id, range, options.actor);
  cycle.actor = options.actor;
  m_deps.store.set_status(task.id, core::TaskStatus::running, options.actor,
                          fmt::format("run {} started", cycle.run.number), cycle.run.id);
  task.status = core::TaskStatus::running;
  cycle.run_log_dir = m_setup.logs_dir / fmt::format("run-{}", cycle.run.number);
  cycle.tree_id = m_deps.vcs.content_tree_id(task.workspace);
  for (Stage s : options.stages) {
    if (is_tcr(s)) cycle.last_tcr = s;
  }

  RunSummary summary;
  summary.run_number = cycle.run.number;
  summary.status = "passed";
  for (Stage stage : options.stages) {
    cycle.last_stage = stage;
    StageReport report = run_stage(stage, cycle, options);
    apply_required(report);
    extract_root_cause(report);
    if (report.note == StageNote::ran) ++summary.stages_run;
    bool green = report.outcome == Outcome::passed || report.outcome == Outcome::skipped;
    // A boundary block is for the person to decide: nothing is reverted.
    if (report.outcome == Outcome::failed && is_tcr(stage) && report.blocked.empty()) {
      revert(cycle, report);
    }
    if (green && is_tcr(stage)) cycle.tcr_passed.push_back(stage);
    if (green && cycle.last_tcr == stage) commit_cycle(cycle, options, report);
    if (!report.blocked.empty() && report.outcome != Outcome::failed) {
      // Not green on this tree: a later run must not count it towards ready_for_decision.
      report.outcome = Outcome::failed;
      report.detail = fmt::format(
          "passed, but {} path(s) are outside the contract: nothing "
          "committed, nothing reverted",
          report.blocked.size());
    }
    m_deps.observer.stage_finished(report);
    if (!report.commit_id.empty()) m_deps.observer.committed(report.commit_id, cycle.subject);
    record(cycle, report);
    if (!report.blocked.empty()) {
      // Outside the contract: nothing committed, nothing reverted; the person decides.
      record_blocked(cycle, report.blocked);
      summary.status = "blocked";
      summary.failed_stage = stage;
      summary.blocked = report.blocked;
      break;
    }
    if (!green) {
      summary.status = report.outcome == Outcome::interrupted ? "interrupted" : "failed";
      summary.failed_stage = stage;
      break;
    }
  }
  summary.commit_id = cycle.commit_id;
  finish(cycle, summary, options);
  return summary;
}

void Engine::finish(Cycle& cycle, RunSummary& summary, const RunOptions& options) {
  auto& task = m_setup.task;
  bool ready = summary.status == "passed" && ready_on_tree(cycle.tree_id);
  if (ready) {
    // The last line before a person decides: the whole task must be inside the contract, even
    // when this run made no commit that the gate could have checked.
    summary.blocked =
        boundary_violations(m_deps.vcs.changes_since(task.workspace, task.base_commit));
    if (!summary.blocked.empty()) {
      record_blocked(cycle, summary.blocked);
      summary.status = "blocked";
      summary.failed_stage = cycle.last_stage;
      ready = false;
    }
  }
  // After Ctrl-C no further process may start (the jj backend would need one for its op id).
  std::string operation =
      summary.status == "interrupted" ? "" : m_deps.vcs.operation_id(task.workspace);
  m_deps.store.end_run(cycle.run.id, summary.status, operation);
  core::TaskStatus next = core::TaskStatus::in_progress;
  std::string reason = fmt::format("run {} {}", cycle.run.number, summary.status);
  if (summary.status == "failed" || summary.status == "blocked") {
    next = core::TaskStatus::failed;
    reason += fmt::format(" at {}", core::stage_name(*summary.failed_stage));
    if (!summary.blocked.empty()) {
      reason += fmt::format(": {} path(s) outside the contract", summary.blocked.size());
    }
  } else if (ready) {
    next = core::TaskStatus::ready_for_decision;
    summary.ready_for_decision = true;
    reason = "every stage green on the current tree";
  }
  m_deps.store.set_status(task.id, next, options.actor, reason, cycle.run.id);
  task.status = next;
  // The metrics a person decides on; measuring them never changes how the run ended.
  if (ready) publish_readiness(m_deps.vcs, m_deps.store, m_setup, cycle.tree_id, m_deps.observer);
}

bool Engine::ready_on_tree(const std::string& tree_id) const {
  return all_green_on_tree(m_deps.store, m_setup.task, tree_id);
}

StageReport Engine::run_stage(Stage stage, Cycle& cycle, const RunOptions& options) {
  auto& task = m_setup.task;
  if (stage == Stage::tdd_setup) return run_tdd_setup(cycle, options);
  if (options.resume) {
    if (auto green = m_deps.store.green_on_tree(task.id, stage, cycle.tree_id)) {
      StageReport report;
      report.stage = stage;
      report.outcome = green->outcome;
      report.note = StageNote::green_on_tree;
      report.command = m_setup.tmpl.stages.at(stage).command;
      report.duration_ms = green->duration_ms;
      report.detail = green->detail;
      return report;
    }
  }
  if (m_setup.tmpl.stages.at(stage).builtin == "review") return run_review(cycle);
  StageReport report = run_command_stage(stage, cycle);
  bool command_ok = report.outcome == Outcome::passed || report.outcome == Outcome::skipped;
  if (stage == Stage::accept && command_ok) run_acceptance(cycle, report);
  return report;
}

void Engine::record(Cycle& cycle, const StageReport& report) {
  // Results carried over from earlier runs are already stored.
  if (report.note == StageNote::green_on_tree || report.note == StageNote::red_already_confirmed) {
    return;
  }
  store::StageResultRow row;
  row.run_id = cycle.run.id;
  row.task = m_setup.task.id;
  row.stage = report.stage;
  row.outcome = report.outcome;
  row.exit_code = report.exit_code;
  row.duration_ms = report.duration_ms;
  row.log_path = report.log_path;
  row.tree_id = cycle.tree_id;
  row.commit_id = report.snapshot_commit.empty() ? report.commit_id : report.snapshot_commit;
  row.detail = report.detail;
  if (report.extraction) row.findings = report.extraction->findings;
  row.at = m_deps.clock.now_ms();
  m_deps.store.record_stage(row);
}

void Engine::revert(Cycle& cycle, StageReport& report) {
  const auto& task = m_setup.task;
  std::string prefix = fmt::format("refs/factory/reverted/{}/", task.id);
  // Numbered after the highest existing one, so a number is never reused.
  int number = 1;
  for (const auto& existing : m_deps.vcs.refs_with_prefix(prefix)) {
    int n = 0;
    auto suffix = std::string_view(existing).substr(prefix.size());
    if (std::from_chars(suffix.data(), suffix.data() + suffix.size(), n).ec == std::errc()) {
      number = std::max(number, n + 1);
    }
  }
  std::string ref = fmt::format("{}{}", prefix, number);
  fs::path patch = m_setup.logs_dir / fmt::format("reverted-{}.patch", number);
  // The VCS saves the change before it restores: a revert that cannot keep it discards nothing.
  report.reverted = m_deps.vcs.discard_change(task.workspace, ref, patch);
  if (report.reverted.empty()) return;
  report.saved_ref = ref;
  report.patch_file = patch.string();
  m_deps.store.append_event(
      task.id, cycle.run.id, cycle.actor, "reverted",
      fmt::format(R"({{"stage":"{}","ref":"{}","files":{}}})", core::stage_name(report.stage), ref,
                  report.reverted.size()));
}

void Engine::commit_cycle(Cycle& cycle, const RunOptions& options, StageReport& report) {
  if (cycle.tcr_passed.empty()) return;
  const auto& task = m_setup.task;
  // The whole task since its base, so commits made in the workspace with --no-verify count too.
  report.blocked = boundary_violations(m_deps.vcs.changes_since(task.workspace, task.base_commit));
  if (!report.blocked.empty()) return;
  std::vector<std::string_view> names;
  for (Stage s : cycle.tcr_passed) names.push_back(core::stage_name(s));
  std::string span = names.size() == 1 ? std::string(names.front())
                                       : fmt::format("{}..{}", names.front(), names.back());
  cycle.subject = fmt::format("factory: {} passed", span);
  std::string message =
      fmt::format("{}\n\nFactory-Task: {}\nFactory-Stages: {}\nFactory-Run: {}\n", cycle.subject,
                  task.id, fmt::join(names, ","), cycle.run.number);
  auto commit = m_deps.vcs.commit_all(task.workspace, message);
  if (!commit) return;
  cycle.commit_id = *commit;
  report.commit_id = *commit;
  m_deps.store.append_event(task.id, cycle.run.id, options.actor, "committed",
                            fmt::format(R"({{"commit":"{}","stages":"{}"}})", *commit, span));
}

}  // namespace factory::pipeline
