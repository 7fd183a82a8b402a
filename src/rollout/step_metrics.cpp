#include <fmt/format.h>

#include <algorithm>

#include "rollout/controller.hpp"

// What a step's probes saw, in one line for the decision prompt and `rollout status`.
namespace factory::rollout {

std::string step_metrics(const store::Store& store, const store::RolloutRow& row,
                         const Plan& plan) {
  if (row.step < 0 || row.step >= static_cast<int>(plan.steps.size())) return "no probes yet";
  const auto& rules = plan.steps[row.step].auto_rollback_on;
  if (rules.empty()) return "no probes";
  auto readings = store.probes(row.task, row.step);
  std::vector<std::string> parts;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    std::optional<double> low, high;
    int errors = 0, fired = 0;
    for (const auto& r : readings) {
      if (r.rule != static_cast<int>(i)) continue;
      if (!r.ok) ++errors;
      if (r.fired) ++fired;
      if (r.value) {
        high = std::max(high.value_or(*r.value), *r.value);
        low = std::min(low.value_or(*r.value), *r.value);
      }
    }
    std::string part;
    if (rule.above && high) part = fmt::format("{} max {}", rule.metric, *high);
    if (rule.below && low) {
      part += fmt::format("{}{} min {}", part.empty() ? "" : ", ", rule.metric, *low);
    }
    if (!rule.log_match.empty()) {
      part += fmt::format("{}{} log matches", part.empty() ? "" : ", ", fired);
    }
    if (part.empty()) part = fmt::format("{}: no reading", describe_rule(rule));
    if (errors > 0) part += fmt::format(" ({} probe errors)", errors);
    parts.push_back(part);
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace factory::rollout
