#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace factory::core {

// The ten pipeline stages, in pipeline order.
enum class Stage {
  tdd_setup,
  implement,
  unit_test,
  coverage,
  lint,
  static_analysis,
  integration,
  security,
  review,
  accept,
};

inline constexpr int k_stage_count = 10;

// All stages in pipeline order.
const std::array<Stage, k_stage_count>& all_stages();

// The user-facing name ("tdd-setup", "static", ...).
std::string_view stage_name(Stage stage);

// 1-based position in the pipeline, as shown in "[3/10]".
int stage_number(Stage stage);

// Parses a user-facing stage name; nullopt when unknown.
std::optional<Stage> parse_stage(std::string_view name);

// Parses a stage name or throws a usage Error listing the valid names.
Stage require_stage(std::string_view name);

// Whether a stage uses Test && Commit || Revert by default (DESIGN.md §3).
bool default_tcr(Stage stage);

// The stages from..to inclusive; throws a usage Error when from comes after to.
std::vector<Stage> stage_range(std::optional<Stage> from, std::optional<Stage> to);

// How one stage ended.
enum class Outcome { passed, failed, skipped, interrupted };

std::string_view outcome_name(Outcome outcome);
std::optional<Outcome> parse_outcome(std::string_view name);

}  // namespace factory::core
