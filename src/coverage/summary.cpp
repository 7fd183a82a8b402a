#include <fmt/format.h>

#include "core/readiness.hpp"
#include "coverage/advice.hpp"
#include "coverage/analysis.hpp"

namespace factory::coverage {

namespace {

std::string overall_line(const Analysis& a) {
  std::string min =
      a.min_percent ? fmt::format(", minimum {}%", format_threshold(*a.min_percent)) : "";
  if (!a.percent) return fmt::format("coverage: no line measured in the workspace{}", min);
  return fmt::format("coverage {}% ({} of {} lines{})", format_percent(*a.percent), a.covered,
                     a.measured, min);
}

std::string patch_line(const Analysis& a) {
  std::string min = a.min_patch_percent
                        ? fmt::format(", minimum {}%", format_threshold(*a.min_patch_percent))
                        : "";
  if (a.changed_lines == 0) return fmt::format("patch coverage: no changed line{}", min);
  if (!a.patch_percent) {
    return fmt::format("patch coverage: none of the {} changed lines is measured{}",
                       a.changed_lines, min);
  }
  return fmt::format("patch coverage {}% ({} of {} measured changed lines ran{})",
                     format_percent(*a.patch_percent), a.patch_covered, a.patch_measured, min);
}

std::string gap_line(const CriticalItem& item) {
  std::string what = item.function.empty()
                         ? item.path
                         : fmt::format("{} ({}:{}-{})", function_key(item.function), item.path,
                                       item.first_line, item.last_line);
  if (item.unjudged) {
    return fmt::format("  ✗ {}: changed, but the report has no functions to find {} in", item.path,
                       item.rule);
  }
  if (item.not_measured) return fmt::format("  ✗ {}: changed, but no test loads it", what);
  if (item.uncovered.empty()) return fmt::format("  ✗ {}: changed, but it never ran", what);
  return fmt::format("  ✗ {}: line{} {} never ran", what, item.uncovered.size() == 1 ? "" : "s",
                     format_lines(item.uncovered));
}

// "87% (min 80)": rounded down like the readiness dashboard (core::percent_text), so a stage
// never reads "80%" for 79.6%.
std::string short_percent(const std::optional<double>& percent, const std::optional<double>& min) {
  std::string text = percent ? core::percent_text(*percent) : "n/a";
  return min ? fmt::format("{} (min {})", text, format_threshold(*min)) : text;
}

}  // namespace

std::string stage_line(const Analysis& a) {
  return fmt::format(
      "coverage {} · patch {} · critical {}/{}", short_percent(a.percent, a.min_percent),
      short_percent(a.patch_percent, a.min_patch_percent), a.critical_covered, a.critical_total);
}

std::string render_summary(const Analysis& a, int max_lines) {
  std::vector<std::string> lines;
  lines.push_back(overall_line(a));
  lines.push_back(patch_line(a));
  if (a.critical_total > 0) {
    lines.push_back(
        fmt::format("critical paths {}/{} covered", a.critical_covered, a.critical_total));
    for (const auto& item : a.critical) {
      if (!item.covered()) lines.push_back(gap_line(item));
    }
  }
  // Most important first: a cut summary keeps the verdict.
  for (const auto& g : a.gate_failures) lines.push_back("FAIL " + g);
  for (const auto& w : a.warnings) lines.push_back("warning: " + w);
  for (const auto& r : a.recommendations) lines.push_back("→ " + r);
  for (const auto& f : a.files) {
    if (f.uncovered_changed.empty()) continue;
    lines.push_back(fmt::format("{} ({}% of its changed lines): {} never ran", f.path,
                                format_percent(f.patch_percent.value_or(0)),
                                format_lines(f.uncovered_changed)));
  }
  if (!a.outside.empty()) {
    lines.push_back(fmt::format("note: the report names {} file{} not in the workspace (first: {})",
                                a.outside.size(), a.outside.size() == 1 ? "" : "s",
                                a.outside.front()));
  }
  std::string out;
  int limit = std::max(max_lines, 2);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (static_cast<int>(i) == limit - 1 && lines.size() > static_cast<size_t>(limit)) {
      out += fmt::format("... {} more lines\n", lines.size() - i);
      break;
    }
    out += lines[i] + "\n";
  }
  return out;
}

}  // namespace factory::coverage
