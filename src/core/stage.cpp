#include "core/stage.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace factory::core {

namespace {
constexpr std::array<std::string_view, k_stage_count> k_names = {
    "tdd-setup", "implement",   "unit-test", "coverage", "lint",
    "static",    "integration", "security",  "review",   "accept",
};

std::string all_names() {
  return fmt::format("{}", fmt::join(k_names, ", "));
}
}  // namespace

const std::array<Stage, k_stage_count>& all_stages() {
  static const std::array<Stage, k_stage_count> k_all = {
      Stage::tdd_setup,       Stage::implement,   Stage::unit_test, Stage::coverage, Stage::lint,
      Stage::static_analysis, Stage::integration, Stage::security,  Stage::review,   Stage::accept,
  };
  return k_all;
}

std::string_view stage_name(Stage stage) {
  return k_names[static_cast<size_t>(stage)];
}

int stage_number(Stage stage) {
  return static_cast<int>(stage) + 1;
}

std::optional<Stage> parse_stage(std::string_view name) {
  for (size_t i = 0; i < k_names.size(); ++i) {
    if (k_names[i] == name) return static_cast<Stage>(i);
  }
  return std::nullopt;
}

Stage require_stage(std::string_view name) {
  if (auto stage = parse_stage(name)) return *stage;
  throw Error(ExitCode::usage, fmt::format("unknown stage '{}'", name),
              fmt::format("stages are: {}", all_names()));
}

bool default_tcr(Stage stage) {
  return stage != Stage::tdd_setup && stage != Stage::accept;
}

std::vector<Stage> stage_range(std::optional<Stage> from, std::optional<Stage> to) {
  Stage first = from.value_or(Stage::tdd_setup);
  Stage last = to.value_or(Stage::accept);
  if (first > last) {
    throw Error(ExitCode::usage,
                fmt::format("--from {} comes after --to {}", stage_name(first), stage_name(last)),
                "stages run in pipeline order: " + all_names());
  }
  std::vector<Stage> range;
  for (Stage s : all_stages()) {
    if (s >= first && s <= last) range.push_back(s);
  }
  return range;
}

namespace {
constexpr std::array<std::string_view, 4> k_outcomes = {"passed", "failed", "skipped",
                                                        "interrupted"};
}

std::string_view outcome_name(Outcome outcome) {
  return k_outcomes[static_cast<size_t>(outcome)];
}

std::optional<Outcome> parse_outcome(std::string_view name) {
  for (size_t i = 0; i < k_outcomes.size(); ++i) {
    if (k_outcomes[i] == name) return static_cast<Outcome>(i);
  }
  return std::nullopt;
}

}  // namespace factory::core
