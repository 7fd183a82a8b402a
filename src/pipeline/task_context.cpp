#include "pipeline/task_context.hpp"

#include <fmt/format.h>

#include <fstream>

#include "core/error.hpp"
#include "core/task_id.hpp"
#include "vcs/git_vcs.hpp"

namespace factory::pipeline {

namespace {
constexpr std::string_view k_factory_gitignore =
    "# factory's local state: never committed\nstate.db*\nlogs/\ncache/\n";

// [workspace] backend: "auto" follows the repository (jj when .jj/ exists); "git" and "jj" force.
std::unique_ptr<vcs::Vcs> open_backend(const vcs::Location& location, const std::string& backend,
                                       core::ProcessRunner& runner) {
  bool has_jj = fs::is_directory(location.main_root / ".jj");
  if (backend == "git") return std::make_unique<vcs::GitVcs>(location.main_root);
  if (backend == "jj" && !has_jj) {
    throw Error(ExitCode::usage,
                fmt::format("[workspace] backend is \"jj\" but {} has no .jj/",
                            location.main_root.string()),
                "run 'jj git init --colocate' there, or set backend = \"auto\"");
  }
  return vcs::open_vcs(location, runner);
}
}  // namespace

Repo open_repo(const fs::path& cwd, core::ProcessRunner& runner, const core::Clock& clock) {
  auto location = vcs::locate(cwd);
  if (!location) {
    throw Error(ExitCode::usage, fmt::format("not inside a git repository: {}", cwd.string()),
                "cd into a repository first, or create one with 'git init'");
  }
  Repo repo;
  repo.location = *location;
  repo.config = config::load_project_config(location->main_root / config::k_config_file);
  repo.vcs = open_backend(*location, repo.config.backend, runner);
  ensure_factory_dir(repo);
  repo.store = std::make_unique<store::Store>(location->main_root / ".factory" / "state.db", clock);
  return repo;
}

fs::path workspace_root(const Repo& repo) {
  const fs::path main = repo.main_root();
  if (!repo.config.workspace_root.empty()) {
    fs::path root(repo.config.workspace_root);
    return (root.is_absolute() ? root : main / root).lexically_normal();
  }
  return main.parent_path() / (main.filename().string() + ".factory");
}

std::string resolve_task_id(const Repo& repo, const std::string& given) {
  if (!given.empty()) {
    core::validate_task_id(given);
    return given;
  }
  if (auto id = core::task_of_branch(repo.location.branch)) return *id;
  throw Error(ExitCode::usage, "no task given, and this is not a task workspace",
              "name the task (see 'factory list'), or cd into its workspace");
}

store::TaskRow require_task(const Repo& repo, const std::string& id) {
  if (auto task = repo.store->find_task(id)) return *task;
  throw Error(ExitCode::usage, fmt::format("no task '{}'", id),
              fmt::format("create it with 'factory new {}', or see 'factory list'", id));
}

namespace {
void apply_override(lang::StageSpec& spec, const std::optional<std::string>& command,
                    const std::optional<std::chrono::milliseconds>& timeout,
                    const std::optional<int>& retries) {
  if (command) {
    spec.command = *command;
    // An own command replaces the template's tool, and its probe with it.
    spec.builtin.clear();
    spec.probe.clear();
  }
  if (timeout) spec.timeout = *timeout;
  if (retries) spec.retries = *retries;
}
}  // namespace

lang::LanguageTemplate effective_template(const lang::LanguageTemplate& base,
                                          const config::ProjectConfig& config) {
  lang::LanguageTemplate result = base;
  for (const auto& [stage, o] : config.stages) {
    apply_override(result.stages[stage], o.command, o.timeout, o.retries);
  }
  return result;
}

lang::LanguageTemplate contract_template(const lang::LanguageTemplate& base,
                                         const core::Contract& contract) {
  lang::LanguageTemplate result = base;
  for (const auto& [stage, o] : contract.stages) {
    apply_override(result.stages[stage], o.command, o.timeout, o.retries);
  }
  return result;
}

void ensure_factory_dir(const Repo& repo) {
  fs::create_directories(repo.factory_dir());
  fs::path ignore = repo.factory_dir() / ".gitignore";
  if (fs::exists(ignore)) return;
  std::ofstream(ignore) << k_factory_gitignore;
}

}  // namespace factory::pipeline
