#include "pipeline/incident_apply.hpp"

#include <algorithm>

#include "core/glob_overlap.hpp"

namespace factory::pipeline {

std::vector<core::TestRequirement> apply_incidents(const store::Store& store,
                                                   core::Contract& contract) {
  std::vector<core::TestRequirement> applied;
  for (const auto& incident : store.list_incidents()) {
    if (!core::boundaries_may_touch(contract.boundaries, incident.paths)) continue;
    core::TestRequirement requirement{incident.id, incident.test_id, incident.paths,
                                      incident.root_cause};
    auto& listed = contract.requirements;
    bool known = std::any_of(listed.begin(), listed.end(),
                             [&](const auto& r) { return r.incident == incident.id; });
    if (!known) listed.push_back(requirement);
    applied.push_back(std::move(requirement));
  }
  return applied;
}

void record_applied(store::Store& store, const std::vector<core::TestRequirement>& requirements,
                    const std::string& task, const std::string& actor) {
  for (const auto& requirement : requirements) {
    store.record_incident_use(requirement.incident, task, store::IncidentUse::applied, std::nullopt,
                              actor);
  }
}

}  // namespace factory::pipeline
