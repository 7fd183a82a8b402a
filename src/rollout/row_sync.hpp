#pragma once

#include <string>

#include "core/error.hpp"
#include "rollout/controller.hpp"
#include "rollout/flag_file.hpp"

// Keeping the rollouts row and the flag file in step (controller.cpp's persistence): the row is
// written with the percentage being written as `target` before the file changes and again
// after, and a watching process writes only while the row is still what it last wrote.
namespace factory::rollout::detail {

// The flag's percentage ("10%", "no flag"), or a description when a hand edit left it in a shape
// factory does not write (which must not keep a rollback or a message from happening).
std::string percentage_text(const FlagFile& file, const std::string& flag);

// The blocked Error for a flag file whose factory flag is not what the row says was written.
core::Error edited_by_hand(const RolloutEnv& env, const store::RolloutRow& row,
                           const FlagFile& file);

// Loads the flag file and checks that factory's flag is what the row says it wrote.
FlagFile checked_file(const RolloutEnv& env, const store::RolloutRow& row);

// Writes `percentage` into the file: target first, so a crash in between is seen by reconcile.
void write_percentage(RolloutEnv& env, store::RolloutRow& row, FlagFile& file, int percentage);

// A process that stopped between the two writes left `target`: finish or redo its write. A
// rollback that was under way is left to roll_back, which wins over anything in the file.
void reconcile(RolloutEnv& env, store::RolloutRow& row);

// Whether the database still holds what this process last wrote: another factory process
// (a rollback, a second resume) changes the state, the target or the fingerprint.
bool still_ours(const RolloutEnv& env, const store::RolloutRow& row);

// This process lost the rollout to another one: report what that one did, write nothing.
Stop lost(const RolloutEnv& env, const store::RolloutRow& row);

// Writes `next` (with `also` in the same transaction) unless another process changed the row
// since `row` was read; false when it did.
template <typename Also>
bool put_if_ours(RolloutEnv& env, const store::RolloutRow& row, const store::RolloutRow& next,
                 Also&& also) {
  bool ours = false;
  env.store.transaction([&] {
    ours = still_ours(env, row);
    if (!ours) return;
    env.store.put_rollout(next);
    also();
  });
  return ours;
}

}  // namespace factory::rollout::detail
