#include "extract/ranking.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

namespace factory::extract {

namespace {

int severity_weight(Severity severity) {
  switch (severity) {
    case Severity::error:
      return 3000;
    case Severity::warning:
      return 2000;
    case Severity::info:
      return 1000;
    case Severity::note:
      return 500;
  }
  return 0;
}

std::string plural(size_t count, std::string_view word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

}  // namespace

int relevance(const Finding& finding) {
  int score = severity_weight(finding.severity) + finding.priority;
  if (!finding.project_frame) score -= 100;
  if (!finding.file.empty() && finding.line > 0) score += 20;
  return score;
}

namespace {

// Whether `test` has a located finding, itself or one of its subtests ("TestAbs/negative").
bool located(const std::set<std::string>& tests_located, const std::string& test) {
  if (tests_located.contains(test)) return true;
  std::string prefix = test + "/";
  auto it = tests_located.lower_bound(prefix);
  return it != tests_located.end() && it->compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

void rank(std::vector<Finding>& findings) {
  // The generic fallback only speaks where no format found anything as bad: a compiler warning
  // must not hide an "Error: upload failed" no format knows.
  std::optional<Severity> worst_specific;
  for (const auto& f : findings) {
    // Lines caused by others (make: ***, FAIL pkg: negative priority) do not count.
    if (f.tool != "generic" && f.priority >= 0 &&
        (!worst_specific || f.severity < *worst_specific)) {
      worst_specific = f.severity;
    }
  }
  std::set<std::string> tests_located;
  for (const auto& f : findings) {
    if (!f.test.empty() && f.line > 0) tests_located.insert(f.test);
  }
  std::set<std::tuple<std::string, int, int, std::string>> seen;
  std::vector<Finding> kept;
  for (auto& f : findings) {
    if (f.tool == "generic" && worst_specific && *worst_specific <= f.severity) continue;
    if (f.line == 0 && !f.test.empty() && located(tests_located, f.test)) continue;
    auto key = std::make_tuple(f.file, f.line, f.column, std::string(headline(f.message)));
    if (!seen.insert(key).second) continue;
    kept.push_back(std::move(f));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Finding& a, const Finding& b) {
    int ra = relevance(a), rb = relevance(b);
    if (ra != rb) return ra > rb;
    return a.log_line < b.log_line;
  });
  findings = std::move(kept);
}

std::string summarise(const std::vector<Finding>& findings) {
  if (findings.empty()) return "no error recognised";
  size_t counts[4] = {0, 0, 0, 0};
  std::vector<std::string> tools;
  for (const auto& f : findings) {
    ++counts[static_cast<int>(f.severity)];
    if (std::find(tools.begin(), tools.end(), f.tool) == tools.end()) tools.push_back(f.tool);
  }
  std::vector<std::string> parts;
  if (counts[0]) parts.push_back(plural(counts[0], "error"));
  if (counts[1]) parts.push_back(plural(counts[1], "warning"));
  if (counts[2] + counts[3]) parts.push_back(plural(counts[2] + counts[3], "note"));
  const auto& first = findings.front();
  std::string at = where(first);
  return fmt::format("{} from {}. Root cause{}: {}", fmt::join(parts, ", "), fmt::join(tools, ", "),
                     at.empty() ? "" : " at " + at, headline(first.message));
}

}  // namespace factory::extract
