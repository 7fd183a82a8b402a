#include <fmt/format.h>

#include "config/contract_file.hpp"
#include "config/text_file.hpp"
#include "core/error.hpp"
#include "core/task_status.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/task_context.hpp"

namespace factory::pipeline {

namespace {
std::string read_contract_text(const fs::path& file, const std::string& task) {
  if (auto text = config::try_read_text_file(file)) return *text;
  throw Error(ExitCode::usage,
              fmt::format("task '{}' has no contract: {} is missing", task, file.string()),
              fmt::format("restore it (it belongs in git), or write one: 'factory contract "
                          "show {}' prints the format",
                          task));
}
}  // namespace

TaskSetup task_setup(const Repo& repo, const store::TaskRow& task) {
  // A finished task says so, rather than complaining about its missing workspace.
  if (!core::is_workable(task.status)) {
    core::check_transition(task.status, core::TaskStatus::running);
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
  setup.contract_file = config::contract_path(repo.main_root(), task.id);
  setup.contract_text = read_contract_text(setup.contract_file, task.id);
  setup.contract = config::parse_contract(setup.contract_text, setup.contract_file.string());
  if (!setup.contract.task.empty() && setup.contract.task != task.id) {
    throw Error(ExitCode::usage,
                fmt::format("{}: the contract says task '{}', but it belongs to task '{}'",
                            setup.contract_file.string(), setup.contract.task, task.id),
                fmt::format("set 'task: {}' (a contract copied from another task?)", task.id));
  }
  setup.tmpl = contract_template(setup.tmpl, setup.contract);
  return setup;
}

}  // namespace factory::pipeline
