#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "config/project_config.hpp"
#include "core/clock.hpp"
#include "core/contract.hpp"
#include "core/process.hpp"
#include "lang/language_template.hpp"
#include "store/store.hpp"
#include "vcs/vcs.hpp"

namespace factory::pipeline {

namespace fs = std::filesystem;

// The repository a command runs in, with its config, state and VCS opened.
struct Repo {
  vcs::Location location;
  config::ProjectConfig config;
  std::unique_ptr<vcs::Vcs> vcs;
  std::unique_ptr<store::Store> store;

  fs::path main_root() const { return location.main_root; }
  fs::path factory_dir() const { return location.main_root / ".factory"; }
};

// Finds and opens the repository around `cwd`: usage Error outside one, config errors as such.
Repo open_repo(const fs::path& cwd, core::ProcessRunner& runner, const core::Clock& clock);

// Where task workspaces live: [workspace] root, else the sibling folder "<repo>.factory".
fs::path workspace_root(const Repo& repo);

// The task named, or the one whose workspace contains the current directory.
std::string resolve_task_id(const Repo& repo, const std::string& given);

// Loads a task row or throws a usage Error with a hint.
store::TaskRow require_task(const Repo& repo, const std::string& id);

// The language template with .factory.toml's stage overrides applied.
lang::LanguageTemplate effective_template(const lang::LanguageTemplate& base,
                                          const config::ProjectConfig& config);

// The template with a task contract's stage overrides applied (after .factory.toml's).
lang::LanguageTemplate contract_template(const lang::LanguageTemplate& base,
                                         const core::Contract& contract);

// Creates .factory/.gitignore (state.db*, logs/, cache/) when missing, so factory's own files
// never show up as changes.
void ensure_factory_dir(const Repo& repo);

}  // namespace factory::pipeline
