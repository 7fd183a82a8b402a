#include <fmt/format.h>

#include "cli/commands.hpp"
#include "pipeline/actor.hpp"
#include "pipeline/task_ops.hpp"

namespace factory::cli {

void add_unrevert(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("unrevert", "Bring back the change discarded by a revert");
  cmd->footer(
      "Examples:\n  factory unrevert                 # the last revert, inside a workspace\n"
      "  factory unrevert batch-upload 2  # the 2nd revert of the task");
  auto words = std::make_shared<std::vector<std::string>>();
  cmd->add_option("words", *words, "[<task>] [N]")->expected(0, 2);
  cmd->callback([&ctx, words] {
    auto repo = ctx.open_repo();
    std::string task;
    std::optional<int> number;
    for (const auto& w : *words) {
      if (!w.empty() && w.find_first_not_of("0123456789") == std::string::npos) {
        number = std::stoi(w);
      } else {
        task = w;
      }
    }
    std::string id = pipeline::resolve_task_id(repo, task);
    auto result = pipeline::unrevert_task(
        repo, id, number, pipeline::current_actor(std::filesystem::current_path()).recorded());
    fmt::print("restored {} into task {} ({} file{} changed)\n", result.ref, id,
               result.files.size(), result.files.size() == 1 ? "" : "s");
    for (const auto& f : result.files) fmt::print("    {} {}\n", f.kind, f.path);
  });
}

void add_abandon(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("abandon", "Remove a task's workspace and branch, keep history");
  cmd->footer(
      "Examples:\n  factory abandon batch-upload\n  factory abandon     # inside the task "
      "workspace");
  auto task = std::make_shared<std::string>();
  cmd->add_option("task", *task, "Task id (inferred inside a task workspace)");
  cmd->callback([&ctx, task] {
    auto repo = ctx.open_repo();
    std::string id = pipeline::resolve_task_id(repo, *task);
    pipeline::abandon_task(repo, id,
                           pipeline::current_actor(std::filesystem::current_path()).recorded());
    fmt::print("abandoned task {} · last commit kept at refs/factory/abandoned/{}\n", id, id);
  });
}

}  // namespace factory::cli
