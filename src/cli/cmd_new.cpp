#include <fmt/format.h>

#include "cli/commands.hpp"
#include "pipeline/task_ops.hpp"

namespace factory::cli {

void add_new(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("new", "Create a task: its own workspace and branch");
  cmd->footer(
      "Example:\n  factory new batch-upload\n  factory new bd-52.1 --base origin/main --no-tdd");
  auto args = std::make_shared<pipeline::NewTaskOptions>();
  auto no_tdd = std::make_shared<bool>(false);
  cmd->add_option("task", args->id, "Task id, e.g. bd-52.1 (a git branch-name part)")->required();
  cmd->add_option("--lang", args->language, "Language template instead of detection");
  cmd->add_option("--base", args->base, "Revision to start from (default: HEAD)");
  cmd->add_flag("--no-tdd", *no_tdd, "Skip tdd-setup for this task (recorded with the task)");
  cmd->callback([&ctx, args, no_tdd] {
    auto repo = ctx.open_repo();
    if (repo.vcs->main_tree_dirty()) {
      fmt::print(stderr,
                 "factory: warning: uncommitted changes in the main worktree are not carried "
                 "into the task\n");
    }
    args->tdd = !*no_tdd;
    args->actor = store::current_actor();
    auto task = pipeline::create_task(repo, *args);
    fmt::print("created task {} ({}) · workspace {} · branch {}\n", task.id, task.lang,
               task.workspace, task.branch);
    if (!task.tdd) fmt::print("tdd-setup disabled for this task (--no-tdd)\n");
    fmt::print("next: cd {} && factory run\n", task.workspace);
  });
}

}  // namespace factory::cli
