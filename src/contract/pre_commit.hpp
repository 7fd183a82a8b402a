#pragma once

// The pre-commit decision and its words, shared by `factory hook pre-commit` and the
// factory-hook fast path so both say exactly the same thing.
#include <optional>
#include <string>

#include "contract/hook_check.hpp"
#include "vcs/git_hooks.hpp"

namespace factory::contract {

// What the hook does with a commit.
enum class PreCommitVerdict {
  not_a_task,  // no task owns this worktree: nothing to check
  allowed,     // every staged path is inside the contract
  blocked,     // refused: `message` says why
  escape,      // outside the contract, but FACTORY_ALLOW_OUTSIDE gave a reason: record it
};

// The decision and what to print.
struct PreCommitDecision {
  PreCommitVerdict verdict = PreCommitVerdict::not_a_task;
  std::optional<HookCheck> check;  // unless not_a_task
  std::string message;  // blocked: the stderr text; not_a_task: the note shown on a terminal
  std::string reason;   // escape: FACTORY_ALLOW_OUTSIDE, trimmed
};

// Decides a commit: the task (hook_task), its contract (check_staged, which throws a blocked
// Error when the contract cannot be used) and `allow_outside`, the FACTORY_ALLOW_OUTSIDE value
// (nullptr when unset; an empty reason is refused with a hint).
PreCommitDecision decide_pre_commit(const std::string& given_task, const vcs::StagedChanges& staged,
                                    const char* allow_outside);

// Prints a not_a_task note (only when stderr is a terminal) or a blocked message to stderr and
// returns the exit code for it: 3 when blocked, else 0. An escape is the caller's to record.
int print_pre_commit(const PreCommitDecision& decision);

}  // namespace factory::contract
