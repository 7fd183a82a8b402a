#include <fmt/format.h>

#include <fstream>
#include <regex>

#include "pipeline/change_measures.hpp"
#include "pipeline/cycle.hpp"
#include "pipeline/engine.hpp"

namespace factory::pipeline {

using core::Outcome;
using core::Stage;

namespace {
const char* const k_leftover_pattern = R"(\b(TODO|FIXME|XXX)\b)";
}  // namespace

// The built-in review: the task's whole diff against its base, measured and searched for
// leftovers the author did not mean to ship.
StageReport Engine::run_review(Cycle& cycle) {
  const auto& task = m_setup.task;
  StageReport report;
  report.stage = Stage::review;
  report.command = "built-in review";
  m_deps.observer.stage_started(Stage::review, report.command);
  auto started = m_deps.clock.now_ms();

  std::vector<std::string> findings;
  long long lines = lines_changed(m_deps.vcs.changes_since(task.workspace, task.base_commit));
  int limit = m_setup.contract.limits.max_lines_changed.value_or(m_setup.config.review_max_lines);
  if (lines > limit) {
    findings.push_back(fmt::format("diff too large: {} lines changed (limit {})", lines, limit));
  }
  std::vector<std::regex> patterns = {std::regex(k_leftover_pattern)};
  for (const auto& p : m_setup.tmpl.debug_patterns) patterns.emplace_back(p);
  auto added = m_deps.vcs.added_lines_since(task.workspace, task.base_commit);
  if (auto allowed = m_setup.contract.limits.new_dependencies) {
    auto deps = new_dependencies(m_deps.vcs, task.workspace, task.base_commit, added);
    if (static_cast<int>(deps.size()) > *allowed) {
      std::vector<std::string> where;
      for (const auto& d : deps) where.push_back(d.text());
      findings.push_back(fmt::format("{} new dependenc{} (limit {}): {}", deps.size(),
                                     deps.size() == 1 ? "y" : "ies", *allowed,
                                     fmt::join(where, ", ")));
    }
  }
  for (const auto& file : added) {
    for (const auto& [number, text] : file.lines) {
      for (const auto& re : patterns) {
        std::smatch match;
        if (std::regex_search(text, match, re)) {
          findings.push_back(
              fmt::format("{}:{}: leftover '{}' added", file.path, number, match.str(0)));
          break;
        }
      }
    }
  }

  fs::path log = cycle.run_log_dir / "review.log";
  fs::create_directories(cycle.run_log_dir);
  std::ofstream out(log);
  out << fmt::format("review: {} lines changed (limit {})\n", lines, limit);
  for (const auto& f : findings) out << f << '\n';
  report.log_path = log.string();
  report.duration_ms = m_deps.clock.now_ms() - started;
  if (findings.empty()) {
    report.outcome = Outcome::passed;
    report.detail = fmt::format("{} lines changed (limit {})", lines, limit);
  } else {
    report.outcome = Outcome::failed;
    report.exit_code = 1;
    report.detail = findings.front();
    report.output_tail = fmt::format("{}", fmt::join(findings, "\n"));
    report.hint =
        "remove the leftovers, or split the change into smaller tasks; the limits come "
        "from the task's contract";
  }
  return report;
}

}  // namespace factory::pipeline
