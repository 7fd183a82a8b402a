#include "rollout/plan.hpp"

#include <nlohmann/json.hpp>

#include "core/json_text.hpp"

namespace factory::rollout {

namespace {

using nlohmann::json;

json rule_to_json(const core::RollbackRule& rule) {
  json j = {{"metric", rule.metric},
            {"probe", rule.probe},
            {"log_match", rule.log_match},
            {"failure_limit", rule.failure_limit},
            {"timeout_ms", rule.timeout.count()},
            {"line", rule.line}};
  if (rule.above) j["above"] = *rule.above;
  if (rule.below) j["below"] = *rule.below;
  return j;
}

core::RollbackRule rule_from_json(const json& j) {
  core::RollbackRule rule;
  rule.metric = j.at("metric").get<std::string>();
  rule.probe = j.at("probe").get<std::string>();
  rule.log_match = j.at("log_match").get<std::string>();
  rule.failure_limit = j.at("failure_limit").get<int>();
  rule.timeout = std::chrono::milliseconds(j.at("timeout_ms").get<int64_t>());
  rule.line = j.value("line", 0);
  if (j.contains("above")) rule.above = j["above"].get<double>();
  if (j.contains("below")) rule.below = j["below"].get<double>();
  return rule;
}

// The step with the rules of every step before it added to its own.
std::vector<core::DeploymentStep> with_inherited_rules(std::vector<core::DeploymentStep> steps) {
  std::vector<core::RollbackRule> in_force;
  for (auto& step : steps) {
    in_force.insert(in_force.end(), step.auto_rollback_on.begin(), step.auto_rollback_on.end());
    step.auto_rollback_on = in_force;
  }
  return steps;
}

}  // namespace

Plan make_plan(const core::Deployment& deployment) {
  Plan plan;
  plan.interval = deployment.interval;
  const auto& listed = deployment.steps;
  switch (deployment.strategy) {
    case core::RolloutStrategy::gradual:
      plan.steps = with_inherited_rules(listed);
      break;
    case core::RolloutStrategy::canary:
      if (!listed.empty()) {
        plan.steps.push_back(listed.front());
        if (listed.front().percentage < 100) {
          core::DeploymentStep full;
          full.name = "full";
          full.percentage = 100;
          full.duration = listed.size() > 1 ? listed.back().duration : listed.front().duration;
          full.requires_decision = true;
          full.requires_approval = listed.back().requires_approval;
          // What the later steps would have watched is watched at 100%.
          for (size_t i = 1; i < listed.size(); ++i) {
            const auto& rules = listed[i].auto_rollback_on;
            full.auto_rollback_on.insert(full.auto_rollback_on.end(), rules.begin(), rules.end());
          }
          plan.steps.push_back(full);
        }
        plan.steps = with_inherited_rules(plan.steps);
      }
      break;
    case core::RolloutStrategy::manual:
      break;
  }
  return plan;
}

std::vector<core::RollbackRule> all_rules(const core::Deployment& deployment) {
  std::vector<core::RollbackRule> rules;
  for (const auto& step : deployment.steps) {
    rules.insert(rules.end(), step.auto_rollback_on.begin(), step.auto_rollback_on.end());
  }
  return rules;
}

std::string plan_to_json(const Plan& plan) {
  json steps = json::array();
  for (const auto& step : plan.steps) {
    json rules = json::array();
    for (const auto& rule : step.auto_rollback_on) rules.push_back(rule_to_json(rule));
    steps.push_back({{"name", step.name},
                     {"percentage", step.percentage},
                     {"duration_ms", step.duration.count()},
                     {"requires_decision", step.requires_decision},
                     {"requires_approval", step.requires_approval},
                     {"rules", rules}});
  }
  return core::json_text(json{{"interval_ms", plan.interval.count()}, {"steps", steps}});
}

Plan plan_from_json(const std::string& text) {
  json j = json::parse(text);
  Plan plan;
  plan.interval = std::chrono::milliseconds(j.at("interval_ms").get<int64_t>());
  for (const auto& s : j.at("steps")) {
    core::DeploymentStep step;
    step.name = s.at("name").get<std::string>();
    step.percentage = s.at("percentage").get<int>();
    step.duration = std::chrono::milliseconds(s.at("duration_ms").get<int64_t>());
    step.requires_decision = s.at("requires_decision").get<bool>();
    step.requires_approval = s.at("requires_approval").get<bool>();
    for (const auto& r : s.at("rules")) step.auto_rollback_on.push_back(rule_from_json(r));
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

}  // namespace factory::rollout
