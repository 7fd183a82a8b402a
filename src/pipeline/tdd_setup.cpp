#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "core/glob.hpp"
#include "pipeline/cycle.hpp"
#include "pipeline/engine.hpp"

namespace factory::pipeline {

using core::Outcome;
using core::Stage;

namespace {
// Red means the runner ran the tests and reported failures, not that it crashed or found none.
bool is_red(const lang::StageSpec& spec, const core::ProcessResult& result) {
  if (result.timed_out || result.interrupted || result.spawn_failed) return false;
  bool exit_matches = spec.red_exit.empty() ? result.exit_code != 0
                                            : std::find(spec.red_exit.begin(), spec.red_exit.end(),
                                                        result.exit_code) != spec.red_exit.end();
  if (!exit_matches) return false;
  if (spec.red_output.empty()) return true;
  return std::regex_search(
      result.output, std::regex(spec.red_output, std::regex::ECMAScript | std::regex::multiline));
}
}  // namespace

StageReport Engine::run_tdd_setup(Cycle& cycle, const RunOptions& options) {
  auto& task = m_setup.task;
  const auto& spec = m_setup.tmpl.stages.at(Stage::tdd_setup);
  StageReport report;
  report.stage = Stage::tdd_setup;
  report.command = spec.command;
  if (!task.tdd) {
    report.outcome = Outcome::skipped;
    report.note = StageNote::tdd_disabled;
    report.detail = "tdd disabled for this task";
    return report;
  }
  if (task.red_confirmed_at && !options.force_tdd) {
    report.note = StageNote::red_already_confirmed;
    report.when_ms = *task.red_confirmed_at;
    report.detail = "red confirmed";
    return report;
  }
  std::vector<std::string> uncommitted_tests;
  std::vector<vcs::FileChange> test_changes;
  int changed_tests = 0;
  for (const auto& change : m_deps.vcs.changes_since(task.workspace, task.base_commit)) {
    if (change.kind != 'D' && core::glob_match_any(m_setup.tmpl.test_globs, change.path)) {
      ++changed_tests;
    }
  }
  for (const auto& change : m_deps.vcs.changes(task.workspace)) {
    if (core::glob_match_any(m_setup.tmpl.test_globs, change.path)) {
      uncommitted_tests.push_back(change.path);
      test_changes.push_back(change);
    }
  }
  if (changed_tests == 0) {
    report.outcome = Outcome::failed;
    report.detail = "no changed test file: write a failing test first";
    report.hint =
        fmt::format("test files match {}; or create the task with 'factory new {} --no-tdd'",
                    fmt::join(m_setup.tmpl.test_globs, " "), task.id);
    return report;
  }
  if (spec.command.empty() || missing_tool(spec)) {
    report.outcome = Outcome::skipped;
    report.note = spec.command.empty() ? StageNote::no_command : StageNote::tool_missing;
    report.detail =
        spec.command.empty() ? "no command configured" : fmt::format("tool missing: {}", spec.tool);
    report.hint = spec.install_hint;
    return report;
  }
  auto result = execute(Stage::tdd_setup, spec.command, cycle, report);
  if (report.outcome == Outcome::interrupted) {
    return report;
  }
  if (is_red(spec, result)) {
    report.outcome = Outcome::passed;
    report.detail = fmt::format("red confirmed: the changed tests fail ({} test file{})",
                                changed_tests, changed_tests == 1 ? "" : "s");
    if (!uncommitted_tests.empty()) {
      report.blocked = boundary_violations(test_changes);
      if (!report.blocked.empty()) {
        report.outcome = Outcome::failed;
        report.detail = "red, but test files are outside the contract: no snapshot committed";
        return report;
      }
      std::string message = fmt::format(
          "factory: tdd-setup red confirmed\n\nFactory-Task: {}\nFactory-Stages: tdd-setup\n"
          "Factory-Run: {}\n",
          task.id, cycle.run.number);
      if (auto commit = m_deps.vcs.commit_paths(task.workspace, uncommitted_tests, message)) {
        report.snapshot_commit = *commit;
      }
    }
    auto now = m_deps.clock.now_ms();
    m_deps.store.set_red_confirmed(task.id, now, cycle.actor);
    task.red_confirmed_at = now;
  } else {
    report.outcome = Outcome::failed;
    if (result.ok()) {
      report.detail = "the tests pass: tdd-setup wants the new tests to fail first";
      report.hint = "write a test for the behaviour you are about to build, and see it fail";
    } else if (report.detail.empty() || report.detail.starts_with("exit code")) {
      report.detail = fmt::format("not red: the runner reported no failing test (exit code {})",
                                  result.exit_code);
      report.hint = "a collection error, a missing runner or 'no tests collected' is not red";
    }
  }
  return report;
}

}  // namespace factory::pipeline
