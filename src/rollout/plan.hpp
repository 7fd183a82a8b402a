#pragma once

#include <string>
#include <vector>

#include "core/deployment.hpp"

namespace factory::rollout {

// The steps a rollout walks through, as fixed at deploy time: each step carries every rule in
// force at it (its own and those of the steps before, so what was watched at 1% is still
// watched at 10%).
struct Plan {
  std::vector<core::DeploymentStep> steps;
  std::chrono::milliseconds interval{std::chrono::seconds(30)};
};

// The plan a strategy makes of deployment.yaml: gradual = the listed steps; canary = the first
// step, then a decision and 100%; manual = no automatic step (each is added by `rollout set`).
Plan make_plan(const core::Deployment& deployment);

// Every rule of the listed steps, for the steps `rollout set` adds to a manual rollout.
std::vector<core::RollbackRule> all_rules(const core::Deployment& deployment);

// The plan as stored in the rollouts table, and back.
std::string plan_to_json(const Plan& plan);
Plan plan_from_json(const std::string& text);

}  // namespace factory::rollout
