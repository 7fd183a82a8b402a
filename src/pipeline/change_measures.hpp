#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/readiness.hpp"
#include "vcs/vcs.hpp"

// Measures of a task's diff shared by the review stage and the readiness dashboard, so both
// count the same lines and the same dependencies.
namespace factory::pipeline {

// Added + removed lines of the changes; binary files count none.
long long lines_changed(const std::vector<vcs::FileChange>& changes);

// The dependencies the change adds: for each dependency manifest among the files that gained
// lines (`added`), the names it declares in `workspace` now but did not declare at
// `base_commit` (read through `vcs`; lang::added_dependencies), in diff order. A version bump
// names a dependency the base already had, so it is not new.
std::vector<core::NewDependency> new_dependencies(vcs::Vcs& vcs,
                                                  const std::filesystem::path& workspace,
                                                  const std::string& base_commit,
                                                  const std::vector<vcs::AddedLines>& added);

}  // namespace factory::pipeline
