#include "core/deployment.hpp"

#include <array>

namespace factory::core {

namespace {
// Indexed by RolloutStrategy.
constexpr std::array<std::string_view, 3> k_strategy_names = {"canary", "gradual", "manual"};
}  // namespace

std::string_view strategy_name(RolloutStrategy strategy) {
  return k_strategy_names[static_cast<size_t>(strategy)];
}

std::optional<RolloutStrategy> parse_strategy(std::string_view name) {
  for (size_t i = 0; i < k_strategy_names.size(); ++i) {
    if (k_strategy_names[i] == name) return static_cast<RolloutStrategy>(i);
  }
  return std::nullopt;
}

}  // namespace factory::core
