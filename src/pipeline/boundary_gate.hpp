#pragma once

#include <vector>

#include "contract/boundary.hpp"
#include "pipeline/engine.hpp"
#include "vcs/vcs.hpp"

namespace factory::pipeline {

// The changes (from the task's workspace) that leave the task's contract: paths outside its
// boundaries (symlinks resolved on disk), and the contract file itself when it changed since
// `setup` loaded it. Used by factory's own commits, the final check before ready_for_decision
// and the readiness dashboard.
std::vector<contract::Violation> task_boundary_violations(
    const TaskSetup& setup, const std::vector<vcs::FileChange>& changes);

}  // namespace factory::pipeline
