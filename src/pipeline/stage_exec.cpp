#include <fmt/format.h>

#include <regex>

#include "core/error.hpp"
#include "extract/extractor.hpp"
#include "pipeline/coverage_gate.hpp"
#include "pipeline/cycle.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/output_tail.hpp"
#include "pipeline/requirements.hpp"
#include "report/style.hpp"

namespace factory::pipeline {

using core::Outcome;
using core::Stage;

namespace {
constexpr auto k_probe_timeout = std::chrono::seconds(60);

// Replaces $NAME and ${NAME} for factory's own variables in template env values.
std::string expand(std::string value,
                   const std::vector<std::pair<std::string, std::string>>& vars) {
  for (const auto& [name, replacement] : vars) {
    for (const auto& token : {"${" + name + "}", "$" + name}) {
      for (size_t pos = value.find(token); pos != std::string::npos;
           pos = value.find(token, pos + replacement.size())) {
        value.replace(pos, token.size(), replacement);
      }
    }
  }
  return value;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> Engine::stage_env(Stage stage) const {
  const auto& task = m_setup.task;
  std::vector<std::pair<std::string, std::string>> own = {
      {"FACTORY_CACHE", m_setup.cache_dir.string()},
      {"FACTORY_TASK", task.id},
      {"FACTORY_WORKSPACE", task.workspace},
      {"FACTORY_STAGE", std::string(core::stage_name(stage))},
  };
  auto env = own;
  for (const auto& [name, value] : m_setup.tmpl.env) env.emplace_back(name, expand(value, own));
  return env;
}

std::optional<std::string> Engine::missing_tool(const lang::StageSpec& spec) {
  if (spec.probe.empty()) return std::nullopt;
  auto request = core::shell_request(spec.probe, m_setup.task.workspace);
  request.env = stage_env(spec.stage);
  request.timeout = k_probe_timeout;
  auto result = m_deps.runner.run(request);
  // A probe cut short by Ctrl-C says nothing about the tool; the stage itself will stop.
  if (result.ok() || result.interrupted) return std::nullopt;
  return spec.tool.empty() ? spec.probe : spec.tool;
}

core::ProcessResult Engine::execute(Stage stage, const std::string& command, Cycle& cycle,
                                    StageReport& report) {
  const auto& spec = m_setup.tmpl.stages.at(stage);
  auto request = core::shell_request(command, m_setup.task.workspace);
  request.env = stage_env(stage);
  request.timeout = spec.timeout;
  request.log_path = cycle.run_log_dir / fmt::format("{}.log", core::stage_name(stage));
  fs::create_directories(m_setup.cache_dir);
  m_deps.observer.stage_started(stage, command);
  core::ProcessResult result;
  for (int attempt = 1; attempt <= spec.retries + 1; ++attempt) {
    report.attempts = attempt;
    result = m_deps.runner.run(request);
    if (result.ok() || result.interrupted) break;
  }
  report.log_path = request.log_path.string();
  report.duration_ms = result.duration.count();
  report.exit_code = result.exit_code;
  report.timed_out = result.timed_out;
  report.output_tail = last_lines(result.output, k_tail_lines);
  if (result.interrupted) {
    report.outcome = Outcome::interrupted;
    report.detail = "interrupted";
  } else if (result.timed_out) {
    report.outcome = Outcome::failed;
    report.detail = fmt::format("timed out after {}s", spec.timeout.count() / 1000.0);
    report.hint = fmt::format("raise [stages.{}] timeout in .factory.toml if it needs longer",
                              core::stage_name(stage));
  } else if (!result.ok()) {
    report.outcome = Outcome::failed;
    report.detail = result.spawn_failed ? first_line(result.output)
                                        : fmt::format("exit code {}", result.exit_code);
  } else {
    report.outcome = Outcome::passed;
  }
  return result;
}

void Engine::extract_root_cause(StageReport& report) const {
  // Only a stage that ran and went red has an error to find; a failed acceptance check already
  // says what failed, and a tdd-setup "red confirmed" is a pass.
  if (report.outcome != Outcome::failed || report.note != StageNote::ran ||
      !report.blocked.empty() || !report.checks.empty() || report.log_path.empty() ||
      report.extraction) {
    return;  // (an extraction already set came from the stage's own check, e.g. coverage gaps)
  }
  extract::Options options;
  options.root = m_setup.task.workspace;
  options.user_patterns = m_setup.config.extract_patterns;
  try {
    report.extraction = extract::extract_file(report.log_path, options);
  } catch (...) {
    // Unset: the output tail is shown instead, as before extraction existed.
    report.extraction.reset();
  }
}

StageReport Engine::run_command_stage(Stage stage, Cycle& cycle) {
  const auto& spec = m_setup.tmpl.stages.at(stage);
  StageReport report;
  report.stage = stage;
  report.command = spec.command;
  if (spec.command.empty()) {
    report.outcome = Outcome::skipped;
    report.note = StageNote::no_command;
    report.detail = "no command configured";
    report.hint = fmt::format("set [stages.{}] command in .factory.toml", core::stage_name(stage));
    if (stage == Stage::unit_test) requirements_not_run(m_setup.contract.requirements, report);
    return report;
  }
  if (auto tool = missing_tool(spec)) {
    report.outcome = Outcome::skipped;
    report.note = StageNote::tool_missing;
    report.detail = fmt::format("tool missing: {}", *tool);
    report.hint = spec.install_hint;
    if (stage == Stage::unit_test) requirements_not_run(m_setup.contract.requirements, report);
    return report;
  }
  // A report left by an earlier run must never be read as this run's measurement.
  std::error_code ec;
  if (stage == Stage::coverage) fs::remove(coverage_report_path(spec, m_setup.cache_dir), ec);
  auto result = execute(stage, spec.command, cycle, report);
  if (stage == Stage::coverage && report.outcome == Outcome::passed) {
    check_coverage(cycle, report, spec, result.output);
  }
  if (stage == Stage::unit_test) {
    RequirementRun run{m_deps.runner,    m_deps.store,      m_setup.task, spec,
                       stage_env(stage), cycle.run_log_dir, cycle.run.id, cycle.actor};
    check_requirements(run, m_setup.contract.requirements, report);
  }
  return report;
}

void Engine::dry_run(const std::vector<Stage>& stages) {
  for (Stage stage : stages) {
    const auto& spec = m_setup.tmpl.stages.at(stage);
    std::string what = !spec.builtin.empty()  ? fmt::format("(built-in {} check)", spec.builtin)
                       : spec.command.empty() ? std::string("(no command configured: SKIPPED)")
                                              : spec.command;
    std::string tcr =
        stage == Stage::tdd_setup ? "TCR off: passes on red, commits the test files as a snapshot"
        : stage == Stage::accept  ? "TCR off: final gate, never reverts"
                                  : "TCR on: green joins the cycle commit, red reverts";
    m_deps.observer.note(fmt::format("{} {}", report::stage_label(stage), what));
    m_deps.observer.note(fmt::format("{:<20} {} · timeout {}s · retries {}", "", tcr,
                                     spec.timeout.count() / 1000, spec.retries));
  }
}

}  // namespace factory::pipeline
