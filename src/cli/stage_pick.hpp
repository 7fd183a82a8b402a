#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "pipeline/task_context.hpp"
#include "store/store.hpp"

namespace factory::cli {

// `[task] [stage]` as typed: one word is a stage inside a task workspace when it names one,
// else a task.
struct TaskStage {
  std::string task;  // resolved and known to the store
  std::optional<core::Stage> stage;
};

// Reads the words of `factory explain|log [task] [stage]`; usage Error for an unknown task or
// stage, or no task outside a workspace.
TaskStage task_and_stage(const pipeline::Repo& repo, const std::vector<std::string>& words);

// The red result `explain` works on: the given stage's latest result (which must be red), else
// the most recent red result among the task's latest ones. Usage Error with a hint otherwise.
store::StageResultRow red_result(const pipeline::Repo& repo, const TaskStage& which);

// The result `log` shows: the given stage's latest result, else the red stage of the last run,
// else the last stage that ran. Usage Error when the task has not run (that stage).
store::StageResultRow logged_result(const pipeline::Repo& repo, const TaskStage& which);

// The result's log file; usage Error naming it (and where logs live) when it is gone.
std::filesystem::path stage_log(const pipeline::Repo& repo, const store::StageResultRow& result);

// "run-7" from a log path .../run-7/unit-test.log, "" when it has no such folder.
std::string run_label(const store::StageResultRow& result);

}  // namespace factory::cli
