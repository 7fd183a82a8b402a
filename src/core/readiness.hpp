#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/stage.hpp"

// The readiness metrics shown before a person decides (docs/READINESS.md): what was measured on
// one workspace tree, the risk score summed from named factors, and the review estimate. Every
// metric carries `not_measured`: empty when it was measured, else why not; nothing is guessed.
namespace factory::core {

// Diff size bands on added + removed lines: small <= 100 < medium <= 400 < large.
enum class SizeClass { small, medium, large };
inline constexpr int k_small_max_lines = 100;
inline constexpr int k_medium_max_lines = 400;

SizeClass size_class(long long lines_changed);
std::string_view size_name(SizeClass size);  // "small", "medium", "large"
std::optional<SizeClass> parse_size(std::string_view name);

// A percentage as shown: rounded down ("89%"), so coverage is never overstated.
std::string percent_text(double percent);

// Risk levels on the 0..10 score: LOW 0-3, MEDIUM 4-6, HIGH 7-10.
enum class RiskLevel { low, medium, high };
inline constexpr int k_max_risk = 10;

RiskLevel risk_level(int score);
std::string_view risk_level_name(RiskLevel level);  // "LOW", "MEDIUM", "HIGH"
std::optional<RiskLevel> parse_risk_level(std::string_view name);

// A coverage percentage and the threshold it is held to.
struct CoverageMetric {
  std::string not_measured;       // why there is no number ("" = measured)
  std::optional<double> percent;  // unset while measured: the report measured no such line
  int covered = 0;                // lines
  int measured = 0;               // lines
  int threshold = 0;              // percent

  bool is_measured() const { return not_measured.empty(); }
  bool below_threshold() const { return is_measured() && percent && *percent < threshold; }
};

// Whether every changed line in the contract's critical paths is covered.
struct CriticalMetric {
  std::string not_measured;
  int declared = 0;               // critical path entries in the contract
  int covered = 0;                // critical items (files or functions) fully covered
  int total = 0;                  // critical items the change touches
  std::vector<std::string> gaps;  // "src/pay.py:42-44 charge_card()" per uncovered item

  bool is_measured() const { return not_measured.empty(); }
  // A gap, or critical paths declared but not measured: nothing shows they are covered.
  bool blocking() const { return !gaps.empty() || (declared > 0 && !is_measured()); }
};

// The size of the change since the task's base.
struct LinesMetric {
  std::string not_measured;
  int added = 0;
  int removed = 0;
  int files = 0;         // files changed (binary ones included)
  int binary_files = 0;  // counted in `files`, not in lines
  SizeClass size = SizeClass::small;

  bool is_measured() const { return not_measured.empty(); }
  long long total() const { return static_cast<long long>(added) + removed; }
};

// A dependency an added manifest line declares.
struct NewDependency {
  std::string file;
  int line = 0;
  std::string name;

  std::string text() const;                               // "requirements.txt:3 requests"
  bool operator==(const NewDependency&) const = default;  // field by field
};

struct DependencyMetric {
  std::string not_measured;
  std::vector<NewDependency> items;

  bool is_measured() const { return not_measured.empty(); }
};

// A folder as shown: "the root" for ".", else the path.
std::string folder_name(const std::string& dir);

// New non-test files of one folder.
struct NewFileGroup {
  std::string dir;  // "." for the repository root
  int files = 0;
  bool existed = false;  // the folder had files before the task

  bool operator==(const NewFileGroup&) const = default;  // field by field
};

// New files: a new file in an existing folder may start a new pattern there, a new folder
// certainly does. Test files are counted apart: TDD adds them on purpose.
struct PatternMetric {
  std::string not_measured;
  std::vector<std::string> new_files;  // non-test files added since the base
  std::vector<NewFileGroup> groups;    // new_files by folder, in path order
  int new_test_files = 0;

  bool is_measured() const { return not_measured.empty(); }
  int in_existing_dirs() const;  // new files in folders that existed before
  std::vector<std::string> new_dirs() const;
  std::vector<std::string> existing_dirs_with_new_files() const;
};

// A changed path outside the contract.
struct BoundaryIssue {
  std::string path;
  std::string reason;

  bool operator==(const BoundaryIssue&) const = default;  // field by field
};

struct BoundaryMetric {
  std::string not_measured;
  int files = 0;  // files changed since the base
  std::vector<BoundaryIssue> violations;

  bool is_measured() const { return not_measured.empty(); }
};

// One stage on the measured tree.
enum class StageState { green, skipped, not_green };
std::string_view stage_state_name(StageState state);  // "green", "skipped", "not_green"
std::optional<StageState> parse_stage_state(std::string_view name);

struct StageStatus {
  Stage stage = Stage::tdd_setup;
  StageState state = StageState::not_green;
  std::string detail;     // skip reason ("tool missing: bandit"), or why it is not green
  bool required = false;  // the contract's stages.<s>.required

  bool operator==(const StageStatus&) const = default;  // field by field
};

struct StagesMetric {
  std::string not_measured;
  std::vector<StageStatus> stages;  // all ten, in pipeline order

  bool is_measured() const { return not_measured.empty(); }
  int green() const;  // green or visibly skipped: what counts towards ready_for_decision
  std::vector<StageStatus> skipped() const;
  std::vector<StageStatus> required_skips() const;
  std::vector<StageStatus> not_green() const;
};

// One named contribution to the risk score.
struct RiskFactor {
  std::string name;  // stable key, e.g. "new-files" (docs/READINESS.md lists them)
  int points = 0;
  std::string reason;  // e.g. "2 new files in src/core"

  bool operator==(const RiskFactor&) const = default;  // field by field
};

struct Risk {
  std::vector<RiskFactor> factors;
  int score = 0;  // the sum of the factors' points, capped at k_max_risk
  RiskLevel level = RiskLevel::low;
};

// Everything measured on one tree before a person decides.
struct Readiness {
  std::string tree_id;
  CoverageMetric coverage;  // whole report
  CoverageMetric patch;     // changed lines since the base
  CriticalMetric critical;
  LinesMetric lines;
  DependencyMetric dependencies;
  PatternMetric patterns;
  BoundaryMetric boundaries;
  StagesMetric stages;
  Risk risk;
  std::optional<int> review_minutes;  // unset when the diff could not be measured

  // Why approve must refuse, one sentence each: uncovered critical paths, required stages
  // skipped, changes outside the contract (or boundaries/critical paths that could not be
  // checked). Empty = nothing in the metrics blocks approval.
  std::vector<std::string> blocking_reasons() const;
};

// The risk factors the metrics raise and their capped sum (the table in docs/READINESS.md).
Risk score_risk(const Readiness& readiness);

// Minutes to review a diff: lines / 10 + files / 2, rounded to the nearest 5, at least 5; 0 for
// an empty change.
int review_estimate_minutes(long long lines_changed, int files_changed);

// Fills risk and review_minutes from the measured metrics.
void assess(Readiness& readiness);

}  // namespace factory::core
