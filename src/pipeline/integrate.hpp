#pragma once

#include <string>

#include "core/actor.hpp"
#include "pipeline/task_context.hpp"

namespace factory::pipeline {

// Who approved a task and what: read back from its `approved` event.
struct ApprovalFacts {
  std::string approver;
  std::string tree_id;
  int64_t at = 0;
};

// The task's latest approval; blocked Error when it has none.
ApprovalFacts approval_of(const store::Store& store, const std::string& task);

// The integration commit's message: the task, who approved it and when, each stage's last
// result, and Factory-* trailers (the per-commit Factory-Stages trailers summarised in one).
std::string integration_message(const store::Store& store, const store::TaskRow& task,
                                const ApprovalFacts& approval, const std::string& deployer,
                                bool squash);

// Refuses (blocked) unless the task is approved and its branch holds exactly the approved
// tree with nothing uncommitted in the workspace.
ApprovalFacts require_deployable(Repo& repo, const store::TaskRow& task);

// Integrates the approved task's branch into the main worktree's branch (squash or merge
// commit) and records an `integrated` event. Never pushes. Changes to `not_dirty` (main-root
// relative paths, such as the flag file) do not count as uncommitted work.
vcs::Integration integrate_task(Repo& repo, const store::TaskRow& task,
                                const ApprovalFacts& approval, const core::Actor& actor,
                                bool squash, const std::vector<std::string>& not_dirty = {});

}  // namespace factory::pipeline
