#include "pipeline/coverage_gate.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/readiness.hpp"
#include "coverage/advice.hpp"
#include "coverage/readers.hpp"
#include "coverage/report_json.hpp"
#include "pipeline/cycle.hpp"
#include "pipeline/engine.hpp"

namespace factory::pipeline {

namespace {

constexpr int k_summary_lines = 12;  // of the analysis, in the stage log

std::optional<double> last_percentage(const std::string& output, const std::string& pattern) {
  std::regex re(pattern, std::regex::ECMAScript | std::regex::multiline);
  std::optional<double> found;
  for (auto it = std::sregex_iterator(output.begin(), output.end(), re);
       it != std::sregex_iterator(); ++it) {
    if (it->size() > 1) found = std::stod((*it)[1].str());
  }
  return found;
}

// The uncovered critical lines as findings, so ROOT CAUSE names file:line like any red stage.
extract::Extraction gap_findings(const coverage::Analysis& analysis) {
  extract::Extraction out;
  for (const auto& item : analysis.critical) {
    if (item.covered()) continue;
    extract::Finding finding;
    finding.tool = "coverage";
    finding.file = item.path;
    finding.line = item.uncovered.empty() ? item.first_line : item.uncovered.front();
    std::string what = item.function.empty() ? fmt::format("critical path {}", item.rule)
                                             : fmt::format("critical function {}()", item.function);
    size_t n = item.uncovered.size();
    if (item.unjudged) {
      finding.message =
          fmt::format("critical function {} cannot be checked: no function data", item.rule);
    } else if (item.not_measured) {
      finding.message = fmt::format("{}: no test loads {}", what, item.path);
    } else if (item.never_ran && n == 0) {
      finding.message = fmt::format("{} never ran", what);
    } else {
      finding.message = fmt::format("{}: {} changed line{} never ran", what, n, n == 1 ? "" : "s");
    }
    out.findings.push_back(std::move(finding));
  }
  out.summary = analysis.gate_failures.empty() ? "" : analysis.gate_failures.front();
  return out;
}

}  // namespace

coverage::Rules coverage_rules(const core::Contract& contract,
                               const config::ProjectConfig& config) {
  coverage::Rules rules;
  rules.min_percent = contract.coverage.min_percent.value_or(config.coverage_min);
  rules.min_patch_percent = contract.coverage.min_patch_percent.value_or(config.coverage_min_patch);
  rules.critical_paths = contract.coverage.critical_paths;
  return rules;
}

coverage::ChangedLines task_changed_lines(vcs::Vcs& vcs, const store::TaskRow& task) {
  coverage::ChangedLines changed;
  for (const auto& file : vcs.added_lines_since(task.workspace, task.base_commit)) {
    auto& lines = changed[file.path];
    for (const auto& [number, text] : file.lines) lines.insert(number);
  }
  return changed;
}

std::filesystem::path coverage_report_path(const lang::StageSpec& spec,
                                           const std::filesystem::path& cache_dir) {
  if (spec.coverage_report.empty()) return {};
  std::string path = spec.coverage_report;
  const std::string var = "$FACTORY_CACHE";
  for (auto at = path.find(var); at != std::string::npos; at = path.find(var)) {
    path.replace(at, var.size(), cache_dir.string());
  }
  return path;
}

std::string stored_measurement(const coverage::Report& report) {
  return core::json_text(coverage::report_to_json(report));
}

std::optional<coverage::Analysis> stored_coverage(const store::Store& store,
                                                  const std::string& task,
                                                  const std::string& tree_id,
                                                  const coverage::Rules& rules,
                                                  const coverage::ChangedLines& changed) {
  auto stored = store.coverage_on_tree(task, tree_id);
  if (!stored) return std::nullopt;
  auto json = nlohmann::json::parse(*stored, nullptr, false);
  if (json.is_discarded()) throw std::runtime_error("stored coverage report is not JSON");
  return coverage::analyze(coverage::report_from_json(json), changed, rules);
}

// After the coverage command passed: the per-line report, analysed against the task's change
// and the contract, decides; without one, the total the command printed does.
void Engine::check_coverage(Cycle& cycle, StageReport& report, const lang::StageSpec& spec,
                            const std::string& output) {
  auto rules = coverage_rules(m_setup.contract, m_setup.config);
  auto file = coverage_report_path(spec, m_setup.cache_dir);
  std::error_code ec;
  if (file.empty() || !std::filesystem::exists(file, ec)) {
    std::string why = file.empty() ? std::string("the template names no per-line report")
                                   : fmt::format("no report at {}", file.string());
    if (!rules.critical_paths.empty()) {
      report.outcome = core::Outcome::failed;
      report.detail = fmt::format("critical paths cannot be checked: {}", why);
      report.hint = "make the coverage command write its lcov, Cobertura or Go profile there";
      return;
    }
    check_total(report, spec, output, *rules.min_percent, why);
    return;
  }
  coverage::Analysis analysis;
  try {
    coverage::ReadOptions options{m_setup.task.workspace};
    auto parsed =
        coverage::read_report(file, *coverage::parse_format(spec.coverage_format), options);
    auto changed = task_changed_lines(m_deps.vcs, m_setup.task);
    coverage::add_unreported_sources(parsed, changed, options);
    analysis = coverage::analyze(parsed, changed, rules);
    m_deps.store.put_coverage(cycle.run.id, m_setup.task.id, cycle.tree_id,
                              stored_measurement(parsed));
  } catch (const core::Error& e) {
    report.outcome = core::Outcome::failed;
    report.detail = e.what();
    report.hint = e.hint();
    return;
  }
  std::ofstream(report.log_path, std::ios::app)
      << "\n--- factory coverage analysis ---\n"
      << coverage::render_summary(analysis, k_summary_lines);
  report.detail = coverage::stage_line(analysis);
  if (analysis.passed()) return;
  report.outcome = core::Outcome::failed;
  report.detail = analysis.gate_failures.front();
  if (!analysis.recommendations.empty()) report.hint = analysis.recommendations.front();
  if (analysis.critical_gap()) report.extraction = gap_findings(analysis);
}

// The total the coverage command printed, against the minimum: the measure when there is no
// per-line report.
void Engine::check_total(StageReport& report, const lang::StageSpec& spec,
                         const std::string& output, double min, const std::string& why) {
  if (spec.coverage_pattern.empty()) return;
  auto percent = last_percentage(output, spec.coverage_pattern);
  if (!percent) {
    report.outcome = core::Outcome::failed;
    report.detail = "could not read the coverage total from the output";
    report.hint = "check the coverage command prints a total, or fix coverage_pattern";
    return;
  }
  report.detail = fmt::format("coverage {} (min {}) · patch not measured: {}",
                              core::percent_text(*percent), coverage::format_threshold(min), why);
  if (*percent < min) report.outcome = core::Outcome::failed;
}

}  // namespace factory::pipeline
