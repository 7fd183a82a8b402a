#include "report/dashboard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "report/style.hpp"

namespace factory::report {

using core::percent_text;

namespace {
// Columns between the two columns of the dashboard: roomy when it fits, else tight.
constexpr std::array<size_t, 3> k_gaps = {4, 3, 2};

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string unmeasured(const std::string& why) {
  return fmt::format("not measured: {}", why);
}

DashboardCell coverage_cell(const core::CoverageMetric& m, std::string label, bool patch) {
  DashboardCell cell{Mark::ok, std::move(label), ""};
  if (!m.is_measured()) return {Mark::warn, cell.label, unmeasured(m.not_measured)};
  if (!m.percent) {
    // Measured, but no line to measure: for a patch, no changed line is executable code.
    return {patch ? Mark::ok : Mark::warn, cell.label,
            patch ? "n/a: no measured line changed" : "n/a: the report measured no line"};
  }
  cell.value = fmt::format("{} (threshold {}%)", percent_text(*m.percent), m.threshold);
  cell.mark = m.below_threshold() ? Mark::bad : Mark::ok;
  return cell;
}

DashboardCell critical_cell(const core::CriticalMetric& m) {
  std::string label = "Critical paths";
  if (m.declared == 0) return {Mark::ok, label, "none declared"};
  if (!m.is_measured()) return {Mark::bad, label, unmeasured(m.not_measured)};
  if (!m.gaps.empty()) {
    return {Mark::bad, label,
            fmt::format("{}/{} covered: {}", m.covered, m.total, fmt::join(m.gaps, ", "))};
  }
  if (m.total == 0) return {Mark::ok, label, fmt::format("{} declared, none changed", m.declared)};
  return {Mark::ok, label, fmt::format("{}/{} covered", m.covered, m.total)};
}

DashboardCell lines_cell(const core::LinesMetric& m) {
  std::string label = "Lines changed";
  if (!m.is_measured()) return {Mark::warn, label, unmeasured(m.not_measured)};
  std::string binary =
      m.binary_files > 0 ? fmt::format(", {}", plural(m.binary_files, "binary", "binaries")) : "";
  return {m.size == core::SizeClass::large ? Mark::warn : Mark::ok, label,
          fmt::format("+{} / -{}{} ({})", m.added, m.removed, binary, core::size_name(m.size))};
}

DashboardCell dependencies_cell(const core::DependencyMetric& m) {
  std::string label = "New dependencies";
  if (!m.is_measured()) return {Mark::warn, label, unmeasured(m.not_measured)};
  if (m.items.empty()) return {Mark::ok, label, "0"};
  if (m.items.size() == 1) {
    return {Mark::warn, label, fmt::format("1 ({})", m.items.front().text())};
  }
  std::vector<std::string> names;
  for (const auto& d : m.items) names.push_back(d.name);
  return {Mark::warn, label, fmt::format("{} ({})", m.items.size(), fmt::join(names, ", "))};
}

DashboardCell patterns_cell(const core::PatternMetric& m) {
  std::string label = "New patterns";
  if (!m.is_measured()) return {Mark::warn, label, unmeasured(m.not_measured)};
  std::vector<std::string> parts;
  if (int n = m.in_existing_dirs(); n > 0) {
    parts.push_back(fmt::format("{} in {}", plural(n, "new file", "new files"),
                                fmt::join(m.existing_dirs_with_new_files(), ", ")));
  }
  if (auto dirs = m.new_dirs(); !dirs.empty()) {
    parts.push_back(
        fmt::format("new director{} {}", dirs.size() == 1 ? "y" : "ies", fmt::join(dirs, ", ")));
  }
  if (parts.empty()) {
    std::string tests =
        m.new_test_files > 0
            ? fmt::format(" ({})", plural(m.new_test_files, "new test file", "new test files"))
            : "";
    return {Mark::ok, label, "none" + tests};
  }
  return {Mark::warn, label, fmt::format("{} (review)", fmt::join(parts, "; "))};
}

DashboardCell boundaries_cell(const core::BoundaryMetric& m) {
  std::string label = "Boundaries";
  if (!m.is_measured()) return {Mark::bad, label, fmt::format("not checked: {}", m.not_measured)};
  if (m.violations.empty()) {
    if (m.files == 0) return {Mark::ok, label, "no file changed"};
    return {Mark::ok, label, fmt::format("{}, all allowed", plural(m.files, "file", "files"))};
  }
  std::vector<std::string> paths;
  for (const auto& v : m.violations) paths.push_back(v.path);
  return {Mark::bad, label,
          fmt::format("{} of {} outside: {}", m.violations.size(), plural(m.files, "file", "files"),
                      fmt::join(paths, ", "))};
}

// "tool missing" from "tool missing: bandit": the kind of skip, short enough for a cell.
std::string skip_kind(const std::string& detail) {
  return detail.substr(0, detail.find(':'));
}

DashboardCell stages_cell(const core::StagesMetric& m) {
  std::string label = "Stages";
  if (!m.is_measured()) return {Mark::warn, label, unmeasured(m.not_measured)};
  std::string value = fmt::format("{}/{}", m.green(), m.stages.size());
  auto red = m.not_green();
  auto skipped = m.skipped();
  std::vector<std::string> notes;
  if (!red.empty()) {
    std::vector<std::string> names;
    for (const auto& s : red) names.emplace_back(core::stage_name(s.stage));
    notes.push_back(fmt::format("not green: {}", fmt::join(names, ", ")));
  }
  if (skipped.size() == 1) {
    const auto& s = skipped.front();
    notes.push_back(fmt::format("{} skipped: {}{}", core::stage_name(s.stage), skip_kind(s.detail),
                                s.required ? ", required" : ""));
  } else if (!skipped.empty()) {
    std::vector<std::string> names;
    for (const auto& s : skipped) {
      names.push_back(
          fmt::format("{}{}", core::stage_name(s.stage), s.required ? " (required)" : ""));
    }
    notes.push_back(fmt::format("{} skipped: {}", skipped.size(), fmt::join(names, ", ")));
  }
  if (!notes.empty()) value += fmt::format(" ({})", fmt::join(notes, "; "));
  bool bad = !red.empty() || !m.required_skips().empty();
  return {bad ? Mark::bad : Mark::ok, label, value};
}

std::string mark_text(Mark mark, bool color) {
  switch (mark) {
    case Mark::ok:
      return paint("✓", Tone::good, color);
    case Mark::warn:
      return paint("⚠", Tone::warn, color);
    case Mark::bad:
      return paint("✗", Tone::bad, color);
  }
  return "?";
}

size_t label_width(const std::vector<DashboardCell>& cells) {
  size_t width = 0;
  for (const auto& c : cells) width = std::max(width, display_width(c.label));
  return width + 2;
}

// "✓ Label<pad>value", plain (no color), for measuring.
std::string plain_cell(const DashboardCell& cell, size_t labels) {
  return fmt::format("? {}{}{}", cell.label, std::string(labels - display_width(cell.label), ' '),
                     cell.value);
}

std::string painted_cell(const DashboardCell& cell, size_t labels, bool color) {
  return mark_text(cell.mark, color) + plain_cell(cell, labels).substr(1);
}

// Two columns (left: even cells, right: odd cells) when every row fits, else nullopt.
std::optional<std::vector<std::string>> two_columns(const std::vector<DashboardCell>& cells,
                                                    const Style& style) {
  std::vector<DashboardCell> left, right;
  for (size_t i = 0; i < cells.size(); ++i) (i % 2 == 0 ? left : right).push_back(cells[i]);
  size_t left_labels = label_width(left), right_labels = label_width(right);
  size_t widest_left = 0, widest_right = 0;
  for (const auto& c : left)
    widest_left = std::max(widest_left, display_width(plain_cell(c, left_labels)));
  for (const auto& c : right) {
    widest_right = std::max(widest_right, display_width(plain_cell(c, right_labels)));
  }
  for (size_t gap : k_gaps) {
    size_t column = widest_left + gap;
    if (column + widest_right > static_cast<size_t>(style.width)) continue;
    std::vector<std::string> lines;
    for (size_t row = 0; row < left.size(); ++row) {
      size_t pad = column - display_width(plain_cell(left[row], left_labels));
      std::string line = painted_cell(left[row], left_labels, style.color);
      if (row < right.size()) {
        line += std::string(pad, ' ') + painted_cell(right[row], right_labels, style.color);
      }
      lines.push_back(std::move(line));
    }
    return lines;
  }
  return std::nullopt;
}

std::string duration_text(int minutes) {
  if (minutes < 60) return fmt::format("~{} min", minutes);
  if (minutes % 60 == 0) return fmt::format("~{} h", minutes / 60);
  return fmt::format("~{} h {} min", minutes / 60, minutes % 60);
}

std::string coverage_summary(const core::CoverageMetric& m, std::string_view name, bool min) {
  if (!m.is_measured()) return fmt::format("{} not measured", name);
  if (!m.percent) return fmt::format("{} n/a", name);
  if (!min) return fmt::format("{} {}", name, percent_text(*m.percent));
  return fmt::format("{} {} (min {})", name, percent_text(*m.percent), m.threshold);
}
}  // namespace

std::vector<DashboardCell> dashboard_cells(const core::Readiness& r) {
  return {coverage_cell(r.coverage, "Test coverage", false),
          coverage_cell(r.patch, "Patch coverage", true),
          critical_cell(r.critical),
          lines_cell(r.lines),
          dependencies_cell(r.dependencies),
          patterns_cell(r.patterns),
          boundaries_cell(r.boundaries),
          stages_cell(r.stages)};
}

std::vector<std::string> dashboard_lines(const core::Readiness& readiness, const Style& style) {
  auto cells = dashboard_cells(readiness);
  auto lines = two_columns(cells, style);
  if (!lines) {
    lines.emplace();
    size_t labels = label_width(cells);
    for (const auto& cell : cells) lines->push_back(painted_cell(cell, labels, style.color));
  }
  lines->push_back(risk_line(readiness.risk, style.color));
  lines->push_back(review_estimate_line(readiness));
  return *lines;
}

std::string render_dashboard(const core::Readiness& readiness, const Style& style) {
  std::string out;
  for (const auto& line : dashboard_lines(readiness, style)) out += line + '\n';
  return out;
}

std::string risk_line(const core::Risk& risk, bool color) {
  Tone tone = risk.level == core::RiskLevel::low      ? Tone::good
              : risk.level == core::RiskLevel::medium ? Tone::warn
                                                      : Tone::bad;
  std::string head =
      fmt::format("Risk: {} ({}/{})", paint(core::risk_level_name(risk.level), tone, color),
                  risk.score, core::k_max_risk);
  if (risk.factors.empty()) return head + " — nothing raised it";
  std::vector<std::string> reasons;
  for (const auto& f : risk.factors) reasons.push_back(fmt::format("{} (+{})", f.reason, f.points));
  return fmt::format("{} — why: {}", head, fmt::join(reasons, " · "));
}

std::string review_estimate_line(const core::Readiness& readiness) {
  if (!readiness.review_minutes) {
    return fmt::format("Review estimate: not measured ({})", readiness.lines.not_measured);
  }
  if (*readiness.review_minutes == 0) return "Review estimate: nothing to review (no change)";
  return fmt::format("Review estimate: {}", duration_text(*readiness.review_minutes));
}

std::string readiness_summary(const core::Readiness& r) {
  std::vector<std::string> parts = {coverage_summary(r.coverage, "coverage", true),
                                    coverage_summary(r.patch, "patch coverage", false)};
  if (r.critical.declared > 0) {
    parts.push_back(!r.critical.gaps.empty()
                        ? fmt::format("critical paths: {} not covered", r.critical.gaps.size())
                    : r.critical.is_measured() ? std::string("critical paths covered")
                                               : std::string("critical paths not measured"));
  }
  parts.push_back(r.lines.is_measured()
                      ? fmt::format("+{}/-{} lines", r.lines.added, r.lines.removed)
                      : std::string("lines not measured"));
  parts.push_back(r.dependencies.is_measured()
                      ? fmt::format("{} new dep{}", r.dependencies.items.size(),
                                    r.dependencies.items.size() == 1 ? "" : "s")
                      : std::string("deps not measured"));
  parts.push_back(fmt::format("risk {} ({}/{})", core::risk_level_name(r.risk.level), r.risk.score,
                              core::k_max_risk));
  return fmt::format("{}", fmt::join(parts, " · "));
}

}  // namespace factory::report
