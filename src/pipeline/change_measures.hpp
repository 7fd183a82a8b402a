#pragma once

#include <filesystem>
#include <vector>

#include "core/readiness.hpp"
#include "vcs/vcs.hpp"

// Measures of a task's diff shared by the review stage and the readiness dashboard, so both
// count the same lines and the same dependencies.
namespace factory::pipeline {

// Added + removed lines of the changes; binary files count none.
long long lines_changed(const std::vector<vcs::FileChange>& changes);

// Each added line of a dependency manifest that declares a dependency (lang::
// declared_dependencies on the manifest as it is now in `workspace`), in diff order.
std::vector<core::NewDependency> new_dependencies(const std::filesystem::path& workspace,
                                                  const std::vector<vcs::AddedLines>& added);

}  // namespace factory::pipeline
