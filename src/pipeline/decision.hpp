#pragma once

#include <string>
#include <vector>

#include "core/actor.hpp"
#include "core/contract.hpp"
#include "pipeline/task_context.hpp"

namespace factory::pipeline {

// Whether every stage has a green (passed, or visibly skipped) result on exactly this tree; a
// confirmed tdd-setup (or a task without TDD) needs none.
bool all_green_on_tree(const store::Store& store, const store::TaskRow& task,
                       const std::string& tree_id);

// Refuses (blocked Error naming the legal next step) unless the task is ready_for_decision.
void require_ready_for_decision(const Repo& repo, const store::TaskRow& task);

// The workspace's current tree id; refuses when the pipeline is not green on it (the workspace
// changed since the green run).
std::string require_green_tree(Repo& repo, const store::TaskRow& task);

// Refuses when the contract names approvers and the actor is none of them.
void require_approver(const core::Contract& contract, const core::Actor& actor,
                      const std::string& task);

// Refuses with the first of `blockers` (readiness reasons such as an uncovered critical path),
// listing the rest in the hint.
void refuse_if_blocked(const std::vector<std::string>& blockers, const std::string& task);

// What an approval records besides actor and time.
struct ApprovalRecord {
  std::string note;          // --note, may be empty
  bool interactive = false;  // confirmed at a TTY prompt rather than with --yes
  std::string tree_id;       // the tree approved
  std::string metrics_json;  // the readiness metrics shown, "{}" when none
};

// Moves the task to approved and appends an `approved` event, in one transaction.
void record_approval(Repo& repo, const store::TaskRow& task, const core::Actor& actor,
                     const ApprovalRecord& record);

// Moves the task to rejected with the reason (usage Error when empty).
void reject_task(Repo& repo, const store::TaskRow& task, const core::Actor& actor,
                 const std::string& reason);

}  // namespace factory::pipeline
