#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "contract/boundary.hpp"
#include "core/contract.hpp"
#include "vcs/git_hooks.hpp"

namespace factory::contract {

namespace fs = std::filesystem;

// The task a worktree belongs to, from the factory-task file install_hook writes into its admin
// dir; nullopt when there is none (the main worktree, or a worktree that is not a task's).
std::optional<std::string> task_of_git_dir(const fs::path& git_dir);

// The task whose commit is being checked: `given` (--task), else the worktree's factory-task
// mark, else the task its branch (factory/<id>) belongs to; nullopt when it is no task's.
std::optional<std::string> hook_task(const std::string& given, const vcs::StagedChanges& staged);

// The staged entries as the boundary check sees them.
std::vector<PathChange> path_changes(const std::vector<vcs::StagedChange>& staged);

// The verdict of a pre-commit check for one task.
struct HookCheck {
  std::string task;
  fs::path contract_file;
  core::Boundaries boundaries;
  std::vector<Violation> violations;  // empty = the commit may go ahead
};

// Loads the task's contract from the MAIN worktree (a copy inside the workspace could be edited
// by the task itself) and checks the staged change against it. A contract that cannot be loaded
// or fails validation blocks: a blocked Error quoting the loader's file:line:col message.
HookCheck check_staged(const std::string& task, const vcs::StagedChanges& staged);

}  // namespace factory::contract
