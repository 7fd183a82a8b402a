#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace factory::core {

// How a rollout moves through its steps (deployment.yaml `strategy`).
enum class RolloutStrategy {
  canary,   // the first step, then a decision, then 100%
  gradual,  // the listed steps in order
  manual,   // a person sets each percentage with `factory rollout set`
};

std::string_view strategy_name(RolloutStrategy strategy);
std::optional<RolloutStrategy> parse_strategy(std::string_view name);

// One auto_rollback_on entry: a probe and what makes it fire.
struct RollbackRule {
  std::string metric;           // a name for messages ("error_rate"); "" for log rules
  std::string probe;            // a shell command, or an http://127.0.0.1|localhost URL
  std::optional<double> above;  // fires when the probed number is above this
  std::optional<double> below;  // fires when the probed number is below this
  std::string log_match;        // PCRE2 pattern; fires when the probe output matches
  int failure_limit = 3;        // consecutive probe errors that fire the rule
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // per probe run
  int line = 0;  // where it is in deployment.yaml, for messages
};

// One step of the plan: a percentage, held and watched for a duration.
struct DeploymentStep {
  std::string name;
  int percentage = 0;                          // 0..100, users who get the new variant
  std::chrono::milliseconds duration{0};       // how long it is watched; 0 = probed once
  std::vector<RollbackRule> auto_rollback_on;  // this step's own rules
  bool requires_decision = false;              // a person says yes before this step starts
  bool requires_approval = false;              // ... and must be in the approvers list
};

// .factory/<task>/deployment.yaml.
struct Deployment {
  std::string flag;  // flag key; "" = the task id
  RolloutStrategy strategy = RolloutStrategy::gradual;
  std::chrono::milliseconds interval{std::chrono::seconds(30)};  // between probe rounds
  std::vector<DeploymentStep> steps;
};

}  // namespace factory::core
