#include "core/contract.hpp"

namespace factory::core {

TcrBehavior tcr_behavior_for(const Contract& contract, Stage stage) {
  if (auto it = contract.tcr_behavior.find(stage); it != contract.tcr_behavior.end()) {
    return it->second;
  }
  TcrBehavior behavior;
  behavior.enabled = default_tcr(stage);
  if (stage == Stage::tdd_setup) behavior.reason = "red is the expected state";
  if (stage == Stage::accept) behavior.reason = "final gate, never reverts";
  return behavior;
}

}  // namespace factory::core
