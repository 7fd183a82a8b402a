#pragma once

#include <string>
#include <vector>

#include "core/contract.hpp"
#include "store/store.hpp"

namespace factory::pipeline {

// The test requirements recorded incidents leave on a new task (docs/INCIDENTS.md): one per
// incident whose paths the contract's boundaries may touch (core::boundaries_may_touch), or that
// has no paths, in incident order. Each is added to contract.requirements unless the contract
// lists that incident already; every one that applies is returned.
std::vector<core::TestRequirement> apply_incidents(const store::Store& store,
                                                   core::Contract& contract);

// Records each requirement's incident as applied to `task` (incident_uses and an event).
void record_applied(store::Store& store, const std::vector<core::TestRequirement>& requirements,
                    const std::string& task, const std::string& actor);

}  // namespace factory::pipeline
