#pragma once

#include <string>
#include <vector>

#include "core/readiness.hpp"
#include "report/screen.hpp"

// The readiness dashboard shown when the pipeline goes green and by `approve`
// (docs/READINESS.md):
//   ✓ Test coverage     89% (threshold 80%)    ✓ Patch coverage  96% (threshold 90%)
//   ...
//   Risk: MEDIUM (4/10) — why: new files in src/core (+2) · 1 skipped stage: security (+2)
//   Review estimate: ~10 min
namespace factory::report {

// How a metric reads: fine, worth a look, or in the way of approval.
enum class Mark { ok, warn, bad };

// One metric of the dashboard.
struct DashboardCell {
  Mark mark = Mark::ok;
  std::string label;  // "Test coverage"
  std::string value;  // "89% (threshold 80%)", "not measured: coverage tool missing"
};

// The eight metric cells in dashboard order, row by row: coverage, patch coverage, critical
// paths, lines changed, new dependencies, new patterns, boundaries, stages.
std::vector<DashboardCell> dashboard_cells(const core::Readiness& readiness);

// The dashboard, one string per line without newline: two columns when every row fits
// style.width, else one column; then the risk line and the review estimate.
std::vector<std::string> dashboard_lines(const core::Readiness& readiness, const Style& style);

// dashboard_lines joined, each line ending in '\n'.
std::string render_dashboard(const core::Readiness& readiness, const Style& style);

// "Risk: MEDIUM (4/10) — why: <reason> (+2) · <reason> (+2)"; the level painted when coloring.
std::string risk_line(const core::Risk& risk, bool color);

// "Review estimate: ~10 min".
std::string review_estimate_line(const core::Readiness& readiness);

// One line for `factory status`: "coverage 89% (min 80) · patch coverage 96% · +47/-3 lines ·
// 0 new deps · risk LOW (2/10)".
std::string readiness_summary(const core::Readiness& readiness);

}  // namespace factory::report
