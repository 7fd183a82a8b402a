#include <fmt/format.h>

#include "core/error.hpp"
#include "core/task_status.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/task_context.hpp"

namespace factory::pipeline {

TaskSetup task_setup(const Repo& repo, const store::TaskRow& task) {
  // A finished task says so, rather than complaining about its missing workspace.
  if (!core::is_workable(task.status)) {
    core::check_transition(task.status, core::TaskStatus::in_progress);
  }
  if (!fs::is_directory(task.workspace)) {
    throw Error(ExitCode::usage,
                fmt::format("the workspace of task '{}' is missing: {}", task.id, task.workspace),
                fmt::format("'factory abandon {}' to close the task", task.id));
  }
  TaskSetup setup;
  setup.task = task;
  setup.tmpl = effective_template(lang::template_for(task.lang), repo.config);
  setup.config = repo.config;
  setup.logs_dir = repo.factory_dir() / "logs" / task.id;
  setup.cache_dir = repo.factory_dir() / "cache" / task.id;
  return setup;
}

}  // namespace factory::pipeline
