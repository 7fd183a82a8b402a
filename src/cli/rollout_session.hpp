#pragma once

#include <memory>
#include <string>

#include "cli/context.hpp"
#include "core/actor.hpp"
#include "rollout/controller.hpp"

namespace factory::cli {

// A repository opened for rollout commands: the controller's environment wired to the real
// prober, clock, waiter and the project's flag file, with progress on stderr.
struct RolloutSession {
  pipeline::Repo repo;
  core::Actor actor;
  std::unique_ptr<rollout::SystemProber> prober;
  std::unique_ptr<rollout::SystemWaiter> waiter;
  std::unique_ptr<rollout::RolloutEnv> env;

  std::filesystem::path flag_file() const { return env->flag_file; }
};

// Opens the repository around the current directory for a rollout command.
std::unique_ptr<RolloutSession> open_rollout_session(Context& ctx);

// What a person sees and answers once `drive` stopped: prompts at a terminal for each
// decision (checking the approvers list where the step requires approval), prints where the
// rollout stands, and returns the exit code (1 when it was rolled back). Ctrl-C is an
// interrupted Error naming `factory rollout resume`.
int follow_rollout(RolloutSession& session, const std::string& task, rollout::Stop stop);

// Asks for (or, with `yes`, records without asking) the decision the rollout waits for, then
// continues it. Blocked Error without a terminal and without `yes`.
rollout::Stop decide_next(RolloutSession& session, const std::string& task, bool yes);

}  // namespace factory::cli
