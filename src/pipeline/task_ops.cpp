#include "pipeline/task_ops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "config/contract_file.hpp"
#include "config/deployment_file.hpp"
#include "config/text_file.hpp"
#include "contract/hooks.hpp"
#include "core/error.hpp"
#include "core/task_id.hpp"
#include "lang/detect.hpp"
#include "pipeline/incident_apply.hpp"

namespace factory::pipeline {

std::string choose_language(const Repo& repo, const std::string& explicit_language) {
  std::string language = explicit_language;
  if (language.empty() && repo.config.language) language = *repo.config.language;
  if (language.empty()) {
    auto detected = lang::detect_language(repo.main_root());
    if (!detected) {
      throw Error(
          ExitCode::usage, "could not detect the project's language",
          fmt::format("pass --lang (one of: {}), or set [project] language in .factory.toml",
                      fmt::join(lang::known_languages(), ", ")));
    }
    language = detected->language;
  }
  lang::template_for(language);  // validates the name
  return language;
}

NewTaskResult create_task(Repo& repo, const NewTaskOptions& options, core::ProcessRunner& runner) {
  core::validate_task_id(options.id);
  if (repo.store->find_task(options.id)) {
    throw Error(ExitCode::usage, fmt::format("task '{}' already exists", options.id),
                fmt::format("pick another id, or see 'factory status {}'", options.id));
  }
  std::string language = choose_language(repo, options.language);
  // Validated before anything is created, so a bad --allow leaves nothing behind.
  auto contract = initial_contract(repo, options.id, options.contract, runner);
  auto inherited = apply_incidents(*repo.store, contract);
  const auto& tmpl = lang::template_for(language);
  fs::path ws = workspace_root(repo) / options.id;
  if (fs::exists(ws)) {
    throw Error(ExitCode::usage, fmt::format("workspace path already exists: {}", ws.string()),
                "remove it, or set [workspace] root in .factory.toml");
  }
  store::TaskRow task;
  task.id = options.id;
  task.lang = language;
  task.workspace = ws.string();
  task.branch = core::task_branch(options.id);
  task.backend = repo.vcs->backend_name();
  task.tdd = options.tdd;
  task.base_commit = repo.vcs->add_workspace(ws, task.branch, options.base);
  NewTaskResult result;
  fs::path contract_file = config::contract_path(repo.main_root(), options.id);
  // A failed `new` puts back the contract a person may have written ahead of time.
  auto previous_contract = config::try_read_text_file(contract_file);
  // A rollout plan written ahead of time is kept; otherwise the default goes next to the contract.
  result.deployment_file = config::deployment_path(repo.main_root(), options.id);
  const bool new_deployment = !fs::exists(result.deployment_file);
  try {
    repo.vcs->ensure_excluded(tmpl.byproducts);
    result.contract_file = write_contract(repo, contract);
    if (new_deployment) {
      std::ofstream(result.deployment_file, std::ios::binary)
          << config::default_deployment_yaml(options.id);
    }
    if (repo.vcs->backend_name() == "git") {
      contract::install_hook(repo.main_root(), ws, options.id, options.factory_binary);
      result.hook_installed = true;
    }
    repo.store->transaction([&] {
      repo.store->create_task(task, options.actor);
      record_applied(*repo.store, inherited, task.id, options.actor);
    });
  } catch (...) {
    // A half-created task leaves nothing behind: no workspace, no branch, no new contract.
    try {
      repo.vcs->remove_workspace(ws, task.branch, "");
      if (previous_contract) {
        std::ofstream(contract_file, std::ios::binary | std::ios::trunc) << *previous_contract;
      } else {
        fs::remove(contract_file);
      }
      if (new_deployment) fs::remove(result.deployment_file);
    } catch (...) {
    }
    throw;
  }
  result.warnings = unmatched_glob_warnings(contract, ws);
  result.requirements = std::move(inherited);
  result.task = *repo.store->find_task(options.id);
  return result;
}

void abandon_task(Repo& repo, const std::string& id, const std::string& actor) {
  auto task = require_task(repo, id);
  core::check_transition(task.status, core::TaskStatus::abandoned);
  std::string keep = fmt::format("refs/factory/abandoned/{}", id);
  // The event first, in the transaction that the removal's failure rolls back: a trail that
  // cannot take the event (edited by hand) leaves the workspace where it is.
  repo.store->transaction([&] {
    repo.store->set_status(id, core::TaskStatus::abandoned, actor,
                           fmt::format("abandoned; last commit kept at {}", keep));
    repo.vcs->remove_workspace(task.workspace, task.branch, keep);
  });
}

UnrevertResult unrevert_task(Repo& repo, const std::string& id, std::optional<int> number,
                             const std::string& actor) {
  auto task = require_task(repo, id);
  std::string prefix = fmt::format("refs/factory/reverted/{}/", id);
  auto refs = repo.vcs->refs_with_prefix(prefix);
  if (refs.empty()) {
    throw Error(ExitCode::usage, fmt::format("task '{}' has no reverted change", id),
                "a red TCR stage saves what it reverts; nothing was reverted yet");
  }
  std::string ref = refs.back();
  if (number) {
    ref = fmt::format("{}{}", prefix, *number);
    if (std::find(refs.begin(), refs.end(), ref) == refs.end()) {
      throw Error(ExitCode::usage, fmt::format("task '{}' has no revert number {}", id, *number),
                  fmt::format("reverts are numbered 1 to {}", refs.size()));
    }
  }
  repo.store->transaction([&] {
    repo.store->append_event(id, std::nullopt, actor, "unreverted",
                             fmt::format(R"({{"ref":"{}"}})", ref));
    repo.vcs->apply_saved(task.workspace, ref);
  });
  return {ref, repo.vcs->changes(task.workspace)};
}

}  // namespace factory::pipeline
