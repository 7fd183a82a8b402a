#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/deployment.hpp"

namespace factory::config {

// `.factory/<task>/deployment.yaml` under the main worktree root.
std::filesystem::path deployment_path(const std::filesystem::path& main_root,
                                      const std::string& task);

// Parses and validates a rollout plan (format: contracts/README.md). Errors are usage Errors
// "<source>:<line>:<col>: <what> (key <path>)" with a hint: YAML syntax, unknown keys, wrong
// types, percentages that are out of 0..100 or do not go up, an empty step list (except for the
// manual strategy), unknown strategies, bad durations, rules without a probe or trigger, bad
// regexes, and HTTP probes that are not on this machine.
core::Deployment parse_deployment(std::string_view text, const std::string& source);

// Loads and validates the file; a missing file is a usage Error saying how to create it.
core::Deployment load_deployment(const std::filesystem::path& file);

// The commented plan `factory new` writes: flag = the task id, gradual 1% → 10% → 100%, with an
// example rollback rule commented out (a rule needs a real probe). It parses as it is.
std::string default_deployment_yaml(const std::string& task_id);

}  // namespace factory::config
