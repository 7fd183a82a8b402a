#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "pipeline/engine.hpp"
#include "store/store.hpp"

namespace factory::pipeline {

// The state of one TCR cycle while it runs.
struct Engine::Cycle {
  store::RunRow run;
  std::string actor;                    // who started the run: every event of it is theirs
  std::string tree_id;                  // the workspace contents the stages run on
  std::filesystem::path run_log_dir;    // .factory/logs/<task>/run-<n>
  std::optional<core::Stage> last_tcr;  // the cycle commits right after this stage
  std::vector<core::Stage> tcr_passed;
  std::string commit_id;
  std::string subject;                              // of the cycle commit
  core::Stage last_stage = core::Stage::tdd_setup;  // the stage that ran last
};

}  // namespace factory::pipeline
