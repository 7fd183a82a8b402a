#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/task_context.hpp"
#include "pipeline/task_contract.hpp"

namespace factory::pipeline {

// What `factory init` did.
struct InitResult {
  std::string language;
  std::string marker;  // the file that decided the language ("" when --lang was given)
  std::filesystem::path config_file;
};

// Writes .factory.toml (detected stage commands as comments) and .factory/.gitignore.
// Refuses to overwrite an existing .factory.toml unless `force`.
InitResult init_project(const Repo& repo, const std::string& language, bool force);

// The text `init` writes for a language.
std::string render_config(const lang::LanguageTemplate& tmpl);

// Options of `factory new`.
struct NewTaskOptions {
  std::string id;
  std::string language;  // "" = [project] language, else detected
  std::string base;      // "" = HEAD of the main worktree
  bool tdd = true;
  std::string actor;
  ContractOptions contract;
  std::filesystem::path factory_binary;  // baked into the pre-commit hook (git only)
};

// What `factory new` made.
struct NewTaskResult {
  store::TaskRow task;
  std::filesystem::path contract_file;
  std::filesystem::path deployment_file;  // the rollout plan (DEPLOYMENT in contracts/README.md)
  bool hook_installed = false;        // git: the pre-commit boundary hook fires in the workspace
  std::vector<std::string> warnings;  // globs that match nothing yet
  std::vector<core::TestRequirement> requirements;  // inherited from incidents (INCIDENTS.md)
};

// Creates the workspace, the branch, the contract, the hook and the task row; rolls back a
// half-created task.
NewTaskResult create_task(Repo& repo, const NewTaskOptions& options, core::ProcessRunner& runner);

// The language for a new task: explicit, configured, or detected (usage Error when none).
std::string choose_language(const Repo& repo, const std::string& explicit_language);

// Removes a task's workspace and branch, keeping its last commit under
// refs/factory/abandoned/<id>; the task row and its history stay.
void abandon_task(Repo& repo, const std::string& id, const std::string& actor);

// What `unrevert` brought back.
struct UnrevertResult {
  std::string ref;
  std::vector<vcs::FileChange> files;
};

// Applies the change saved by the last revert (or the Nth, 1-based) to the task workspace.
UnrevertResult unrevert_task(Repo& repo, const std::string& id, std::optional<int> number,
                             const std::string& actor);

}  // namespace factory::pipeline
