#include "rollout/row_sync.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace factory::rollout::detail {

std::string percentage_text(const FlagFile& file, const std::string& flag) {
  try {
    auto now = file.rollout_percentage(flag);
    return now ? fmt::format("{}%", *now) : "no flag";
  } catch (const core::Error&) {
    return "a flag factory did not write";
  }
}

core::Error edited_by_hand(const RolloutEnv& env, const store::RolloutRow& row,
                           const FlagFile& file) {
  std::string found = percentage_text(file, row.flag);
  return core::Error(
      core::ExitCode::blocked,
      fmt::format("flag '{}' in {} was changed outside factory: it holds {} where factory set {}%",
                  row.flag, env.flag_file.string(), found, row.percentage),
      fmt::format("put the flag back (the file's history, or factory rollout set for a manual "
                  "rollout) and run 'factory rollout resume {}', or turn it off with 'factory "
                  "rollback {} --reason TEXT'",
                  row.task, row.task));
}

FlagFile checked_file(const RolloutEnv& env, const store::RolloutRow& row) {
  auto file = FlagFile::load(env.flag_file);
  if (file.fingerprint(row.flag) != row.flag_fingerprint) throw edited_by_hand(env, row, file);
  return file;
}

void write_percentage(RolloutEnv& env, store::RolloutRow& row, FlagFile& file, int percentage) {
  row.target = percentage;
  env.store.put_rollout(row);
  file.set_rollout(row.flag, percentage, row.task);
  file.save(env.flag_file);
  row.percentage = percentage;
  row.target.reset();
  row.flag_fingerprint = file.fingerprint(row.flag);
  env.store.put_rollout(row);
}

void reconcile(RolloutEnv& env, store::RolloutRow& row) {
  if (row.state == "rolling_back") return;
  auto file = FlagFile::load(env.flag_file);
  if (!row.target) {
    if (file.fingerprint(row.flag) != row.flag_fingerprint) throw edited_by_hand(env, row, file);
    if (row.step >= 0 && row.step_started_at == 0) {  // killed before the step's start was kept
      row.step_started_at = env.clock.now_ms();
      env.store.put_rollout(row);
    }
    return;
  }
  if (file.rollout_percentage(row.flag) == row.target && file.owned_by_factory(row.flag)) {
    row.percentage = *row.target;
    row.target.reset();
    row.flag_fingerprint = file.fingerprint(row.flag);
  } else if (file.fingerprint(row.flag) == row.flag_fingerprint) {
    write_percentage(env, row, file, *row.target);
  } else {
    throw edited_by_hand(env, row, file);
  }
  if (row.step_started_at == 0) row.step_started_at = env.clock.now_ms();
  env.store.put_rollout(row);
}

bool still_ours(const RolloutEnv& env, const store::RolloutRow& row) {
  auto fresh = env.store.find_rollout(row.task);
  return fresh && fresh->state == row.state && fresh->target == row.target &&
         fresh->flag_fingerprint == row.flag_fingerprint;
}

Stop lost(const RolloutEnv& env, const store::RolloutRow& row) {
  auto fresh = require_rollout(env.store, row.task);
  if (fresh.state == "rolled_back" || fresh.state == "rolling_back") return Stop::rolled_back;
  throw core::Error(core::ExitCode::blocked,
                    fmt::format("another factory process changed the rollout of '{}' meanwhile "
                                "(it is {} at {}%): this one stops",
                                row.task, fresh.state, fresh.percentage),
                    fmt::format("see where it is: factory rollout status {}", row.task));
}

}  // namespace factory::rollout::detail
