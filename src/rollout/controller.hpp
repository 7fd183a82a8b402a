#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "rollout/flag_file.hpp"
#include "rollout/plan.hpp"
#include "rollout/probe.hpp"
#include "store/store.hpp"

namespace factory::rollout {

// Sleeps between probe rounds; the seam that lets tests run a rollout without waiting.
class Waiter {
 public:
  virtual ~Waiter() = default;
  // Waits until `deadline_ms` (Clock time); false when interrupted (Ctrl-C) before that.
  virtual bool wait_until(int64_t deadline_ms) = 0;
};

// The real waiter: sleeps in short slices, waking for Ctrl-C.
class SystemWaiter : public Waiter {
 public:
  explicit SystemWaiter(const core::Clock& clock) : m_clock(clock) {}
  bool wait_until(int64_t deadline_ms) override;

 private:
  const core::Clock& m_clock;
};

// Everything a rollout touches.
struct RolloutEnv {
  store::Store& store;
  Prober& prober;
  const core::Clock& clock;
  Waiter& waiter;
  std::filesystem::path flag_file;
  std::string actor;                            // who is driving it (recorded on events)
  std::function<void(const std::string&)> say;  // one progress line (stderr)
  std::function<bool()> interrupted;            // Ctrl-C seen
};

// Where `drive` stopped.
enum class Stop {
  complete,          // the last step passed monitoring: monitoring_complete
  waiting_decision,  // the next step needs a person: rollout advance
  waiting_manual,    // manual strategy: the person sets the next percentage
  rolled_back,       // a rule fired: the flag is at 0%
  interrupted,       // Ctrl-C: the flag stays where it is; rollout resume continues
};

// The task's rollout row; a usage Error naming `factory deploy` when it has none.
store::RolloutRow require_rollout(const store::Store& store, const std::string& task);

// Records a new rollout (step -1) for a task whose change was integrated as `commit_id`, from
// the flag file as `file` read it before the integration (so nothing after it can refuse).
void start_rollout(RolloutEnv& env, const std::string& task, const std::string& flag,
                   const std::string& strategy, const Plan& plan, const std::string& commit_id,
                   const FlagFile& file);

// Runs the rollout from where the database says it is until it completes, needs a decision,
// rolls back or is interrupted. Checks first that the flag file holds what the database says.
Stop drive(RolloutEnv& env, const std::string& task);

// Enters the next step after a person said yes (the caller checked the decision), then drives.
Stop advance(RolloutEnv& env, const std::string& task, bool interactive,
             const std::string& metrics);

// Manual strategy: sets the flag to `percentage` as a new step watched by every rule of the
// plan for `duration`, then drives.
Stop set_manual(RolloutEnv& env, const std::string& task, int percentage,
                std::chrono::milliseconds duration, const std::vector<core::RollbackRule>& rules);

// Turns the flag off at once (0%, the default variant) even when the file was edited by hand,
// and records rolled_back with the reason; `evidence` (probe output) goes into the event.
void roll_back(RolloutEnv& env, const std::string& task, const std::string& reason,
               const std::string& evidence, bool automatic);

// A one-line summary of what the current step's probes saw, for the decision prompt:
// "error_rate max 0.02, 0 log matches".
std::string step_metrics(const store::Store& store, const store::RolloutRow& row, const Plan& plan);

}  // namespace factory::rollout
