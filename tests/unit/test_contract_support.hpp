#pragma once
// Shared set-up for the contract unit tests.

#include <filesystem>
#include <utility>
#include <vector>

#include "vcs/git_hooks.hpp"

namespace factory::contract::testing {

// What a hook sees when committing `changes` in the linked worktree "ws" beside `main_root`.
inline vcs::StagedChanges staged_in(const std::filesystem::path& main_root,
                                    std::vector<vcs::StagedChange> changes) {
  vcs::StagedChanges s;
  s.main_root = main_root;
  s.workspace_root = main_root.parent_path() / "ws";
  s.git_dir = main_root / ".git/worktrees/ws";
  s.changes = std::move(changes);
  return s;
}

}  // namespace factory::contract::testing
