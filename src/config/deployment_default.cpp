#include <fmt/format.h>

#include "config/deployment_file.hpp"

namespace factory::config {

// Rollback rules stay commented out: a rule needs a probe that works on this machine, and a
// made-up one would fail every round and roll the task back.
std::string default_deployment_yaml(const std::string& task_id) {
  return fmt::format(
      R"(# Rollout plan for {0}: how `factory deploy` turns the task's feature flag up, what it
# watches at each step, and when it rolls back on its own. Format: contracts/README.md
# (JSON Schema: contracts/deployment.schema.json).
deployment:
  # The flagd flag key the app checks (letters, digits, '.', '_', '-'); default: the task id.
  flag: "{0}"
  # gradual: the steps below, in order. canary: the first step, a decision, then 100%.
  # manual: a person sets each percentage (`factory rollout set {0} <percent>`).
  strategy: gradual
  # How often each step's rollback probes run while the step is watched.
  interval: 30s
  # Each step raises the percentage of users who get the change (0..100, going up) and is
  # watched for its duration (s, m, h; none: probed once). A rule that fires sets the flag
  # back to 0% at once. requires_decision: a person says yes before the step starts;
  # requires_approval: ... and must be one of the contract's approvers.
  steps:
    - name: canary
      percentage: 1
      duration: 5m
      # Rules need a probe that works on this machine: a command that prints a number (or
      # log lines), or an http://127.0.0.1 / localhost URL that returns one. Uncomment and adapt:
      # auto_rollback_on:
      #   - metric: error_rate
      #     probe: "curl -fsS http://127.0.0.1:8080/metrics/error_rate"   # prints a number
      #     above: 0.10
      #     failure_limit: 3      # consecutive probe errors (exit code, timeout, no number)
      #     timeout: 10s          # per probe run
      #   - log_match: "panic|FATAL"
      #     probe: "tail -n 500 /var/log/app.log"
    - name: early_adopters
      percentage: 10
      duration: 30m
      requires_decision: true
    - name: production
      percentage: 100
      requires_approval: true
)",
      task_id);
}

}  // namespace factory::config
