#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/readiness.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/observer.hpp"
#include "pipeline/task_context.hpp"
#include "store/store.hpp"
#include "vcs/vcs.hpp"

// Readiness: the metrics a person decides on, measured on one workspace tree
// (docs/READINESS.md).
namespace factory::pipeline {

// Measures every metric on `tree_id` (the workspace's content tree): the coverage stage's stored
// measurement for that tree analysed under the contract's rules, the diff since the task's base
// (lines, new dependencies, new files), the boundary re-check and the stage results on the tree;
// then scores the risk. A metric that cannot be measured says why in its `not_measured`; this
// throws only for programming errors.
core::Readiness measure_readiness(vcs::Vcs& vcs, const store::Store& store, const TaskSetup& setup,
                                  const std::string& tree_id);

// measure_readiness on the workspace's current tree, kept in the store for that tree (what
// `factory approve` shows and records).
core::Readiness remeasure_readiness(vcs::Vcs& vcs, store::Store& store, const TaskSetup& setup);

// The end of a run that made the task ready_for_decision: measures `tree_id`, stores it and
// shows it through `observer`. Never throws: a failure is shown as "readiness not measured:
// why" and leaves the run's outcome alone.
void publish_readiness(vcs::Vcs& vcs, store::Store& store, const TaskSetup& setup,
                       const std::string& tree_id, Observer& observer);

// The metrics as JSON (`factory status --json` "readiness", the store, the approval event);
// format in docs/READINESS.md.
nlohmann::json readiness_to_json(const core::Readiness& readiness);

// The inverse; throws std::runtime_error ("stored readiness metrics are damaged: ...").
core::Readiness readiness_from_json(const nlohmann::json& json);

// The latest metrics stored for the task; nullopt when none were measured or they cannot be
// read.
std::optional<core::Readiness> latest_readiness(const store::Store& store, const std::string& task);

}  // namespace factory::pipeline
