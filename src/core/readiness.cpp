#include "core/readiness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace factory::core {

namespace {
constexpr std::array<std::string_view, 3> k_size_names = {"small", "medium", "large"};
constexpr std::array<std::string_view, 3> k_level_names = {"LOW", "MEDIUM", "HIGH"};
constexpr std::array<std::string_view, 3> k_state_names = {"green", "skipped", "not_green"};

template <typename Enum, size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "a, b, c" or "a, b, c and 2 more": reasons stay one short line.
std::string short_list(const std::vector<std::string>& items, size_t shown = 3) {
  if (items.size() <= shown) return fmt::format("{}", fmt::join(items, ", "));
  std::vector<std::string> head(items.begin(), items.begin() + shown);
  return fmt::format("{} and {} more", fmt::join(head, ", "), items.size() - shown);
}

std::vector<std::string> stage_names(const std::vector<StageStatus>& stages) {
  std::vector<std::string> names;
  for (const auto& s : stages) names.emplace_back(stage_name(s.stage));
  return names;
}

void add(Risk& risk, std::string name, int points, std::string reason) {
  risk.factors.push_back({std::move(name), points, std::move(reason)});
}

void score_change(const Readiness& r, Risk& risk) {
  if (r.lines.is_measured() && r.lines.size != SizeClass::small) {
    add(risk, "size", r.lines.size == SizeClass::medium ? 1 : 3,
        fmt::format("+{}/-{} lines ({})", r.lines.added, r.lines.removed, size_name(r.lines.size)));
  }
  if (auto n = r.dependencies.items.size(); n > 0) {
    add(risk, "new-dependencies", static_cast<int>(std::min<size_t>(n, 3)),
        plural(n, "new dependency", "new dependencies"));
  }
  if (auto dirs = r.patterns.existing_dirs_with_new_files(); !dirs.empty()) {
    add(risk, "new-files", 2, fmt::format("new files in {}", short_list(dirs)));
  }
  if (auto dirs = r.patterns.new_dirs(); !dirs.empty()) {
    add(risk, "new-directories", 1,
        fmt::format("new director{} {}", dirs.size() == 1 ? "y" : "ies", short_list(dirs)));
  }
}

void score_checks(const Readiness& r, Risk& risk) {
  if (auto skipped = r.stages.skipped(); !skipped.empty()) {
    add(risk, "skipped-stages", static_cast<int>(std::min<size_t>(2 * skipped.size(), 4)),
        fmt::format("{}: {}", plural(skipped.size(), "skipped stage", "skipped stages"),
                    short_list(stage_names(skipped))));
  }
  if (auto red = r.stages.not_green(); !red.empty()) {
    add(risk, "stages-not-green", 3,
        fmt::format("{} not green: {}", plural(red.size(), "stage", "stages"),
                    short_list(stage_names(red))));
  }
  if (r.coverage.below_threshold()) {
    add(risk, "coverage", 1,
        fmt::format("coverage {} < {}%", percent_text(*r.coverage.percent), r.coverage.threshold));
  }
  if (!r.patch.is_measured()) {
    add(risk, "patch-coverage", 2, "patch coverage not measured");
  } else if (r.patch.below_threshold()) {
    add(risk, "patch-coverage", 2,
        fmt::format("patch coverage {} < {}%", percent_text(*r.patch.percent), r.patch.threshold));
  }
  if (r.critical.blocking()) {
    add(risk, "critical-paths", 3,
        r.critical.gaps.empty()
            ? std::string("critical paths not measured")
            : plural(r.critical.gaps.size(), "critical path gap", "critical path gaps"));
  }
  if (!r.boundaries.is_measured()) {
    add(risk, "boundaries", 3, "boundaries not checked");
  } else if (!r.boundaries.violations.empty()) {
    add(risk, "boundaries", 3,
        plural(r.boundaries.violations.size(), "file outside the contract",
               "files outside the contract"));
  }
  std::vector<std::string> unmeasured;
  if (!r.lines.is_measured()) unmeasured.emplace_back("lines changed");
  if (!r.dependencies.is_measured()) unmeasured.emplace_back("dependencies");
  if (!r.patterns.is_measured()) unmeasured.emplace_back("new patterns");
  if (!r.stages.is_measured()) unmeasured.emplace_back("stages");
  if (!unmeasured.empty()) {
    add(risk, "unmeasured", static_cast<int>(unmeasured.size()),
        fmt::format("not measured: {}", fmt::join(unmeasured, ", ")));
  }
}
}  // namespace

std::string percent_text(double percent) {
  return fmt::format("{}%", static_cast<int>(std::floor(percent)));
}

SizeClass size_class(long long lines_changed) {
  if (lines_changed <= k_small_max_lines) return SizeClass::small;
  if (lines_changed <= k_medium_max_lines) return SizeClass::medium;
  return SizeClass::large;
}

std::string_view size_name(SizeClass size) {
  return k_size_names[static_cast<size_t>(size)];
}

std::optional<SizeClass> parse_size(std::string_view name) {
  return parse_name<SizeClass>(k_size_names, name);
}

RiskLevel risk_level(int score) {
  if (score <= 3) return RiskLevel::low;
  if (score <= 6) return RiskLevel::medium;
  return RiskLevel::high;
}

std::string_view risk_level_name(RiskLevel level) {
  return k_level_names[static_cast<size_t>(level)];
}

std::optional<RiskLevel> parse_risk_level(std::string_view name) {
  return parse_name<RiskLevel>(k_level_names, name);
}

std::string_view stage_state_name(StageState state) {
  return k_state_names[static_cast<size_t>(state)];
}

std::optional<StageState> parse_stage_state(std::string_view name) {
  return parse_name<StageState>(k_state_names, name);
}

std::string NewDependency::text() const {
  return fmt::format("{}:{} {}", file, line, name);
}

int PatternMetric::in_existing_dirs() const {
  int n = 0;
  for (const auto& g : groups) {
    if (g.existed) n += g.files;
  }
  return n;
}

std::string folder_name(const std::string& dir) {
  return dir == "." ? "the root" : dir;
}

std::vector<std::string> PatternMetric::new_dirs() const {
  std::vector<std::string> dirs;
  for (const auto& g : groups) {
    if (!g.existed) dirs.push_back(folder_name(g.dir));
  }
  return dirs;
}

std::vector<std::string> PatternMetric::existing_dirs_with_new_files() const {
  std::vector<std::string> dirs;
  for (const auto& g : groups) {
    if (g.existed) dirs.push_back(folder_name(g.dir));
  }
  return dirs;
}

int StagesMetric::green() const {
  return static_cast<int>(std::count_if(stages.begin(), stages.end(), [](const StageStatus& s) {
    return s.state != StageState::not_green;
  }));
}

std::vector<StageStatus> StagesMetric::skipped() const {
  std::vector<StageStatus> out;
  for (const auto& s : stages) {
    if (s.state == StageState::skipped) out.push_back(s);
  }
  return out;
}

std::vector<StageStatus> StagesMetric::required_skips() const {
  std::vector<StageStatus> out;
  for (const auto& s : skipped()) {
    if (s.required) out.push_back(s);
  }
  return out;
}

std::vector<StageStatus> StagesMetric::not_green() const {
  std::vector<StageStatus> out;
  for (const auto& s : stages) {
    if (s.state == StageState::not_green) out.push_back(s);
  }
  return out;
}

std::vector<std::string> Readiness::blocking_reasons() const {
  std::vector<std::string> reasons;
  if (!critical.gaps.empty()) {
    reasons.push_back(fmt::format("critical path not covered: {}", fmt::join(critical.gaps, ", ")));
  } else if (critical.blocking()) {
    reasons.push_back(fmt::format("the contract's critical paths could not be checked: {}",
                                  critical.not_measured));
  }
  for (const auto& s : stages.required_skips()) {
    reasons.push_back(
        fmt::format("required stage {} was skipped ({})", stage_name(s.stage), s.detail));
  }
  if (!boundaries.is_measured()) {
    reasons.push_back(
        fmt::format("the boundaries could not be re-checked: {}", boundaries.not_measured));
  }
  for (const auto& v : boundaries.violations) {
    reasons.push_back(fmt::format("{} is outside the contract ({})", v.path, v.reason));
  }
  return reasons;
}

Risk score_risk(const Readiness& readiness) {
  Risk risk;
  score_change(readiness, risk);
  score_checks(readiness, risk);
  int sum = 0;
  for (const auto& f : risk.factors) sum += f.points;
  risk.score = std::min(sum, k_max_risk);
  risk.level = risk_level(risk.score);
  return risk;
}

int review_estimate_minutes(long long lines_changed, int files_changed) {
  if (lines_changed <= 0 && files_changed <= 0) return 0;  // nothing to review
  // About ten lines read per minute, and half a minute to get into each file.
  double raw = static_cast<double>(lines_changed) / 10.0 + files_changed / 2.0;
  int rounded = static_cast<int>(std::lround(raw / 5.0)) * 5;
  return std::max(rounded, 5);
}

void assess(Readiness& readiness) {
  readiness.risk = score_risk(readiness);
  readiness.review_minutes.reset();
  if (readiness.lines.is_measured()) {
    readiness.review_minutes =
        review_estimate_minutes(readiness.lines.total(), readiness.lines.files);
  }
}

}  // namespace factory::core
