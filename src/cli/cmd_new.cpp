#include <fmt/format.h>

#include "cli/commands.hpp"
#include "pipeline/actor.hpp"
#include "pipeline/requirements.hpp"
#include "pipeline/task_ops.hpp"

namespace factory::cli {

namespace {
// The running binary, baked into the hook so it works without factory on PATH.
std::filesystem::path own_binary() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("factory") : self;
}
}  // namespace

void add_new(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("new", "Create a task: its own workspace, branch and contract");
  cmd->footer(
      "Examples:\n  factory new batch-upload --allow 'src/upload/**' --allow 'tests/**'\n"
      "  factory new bd-52.1 --from bd-52.1 --forbid 'migrations/**'\n"
      "  factory new fix-typo --contract ../contracts/docs-only.yaml --no-tdd");
  auto args = std::make_shared<pipeline::NewTaskOptions>();
  auto no_tdd = std::make_shared<bool>(false);
  auto allow = std::make_shared<std::vector<std::string>>();
  cmd->add_option("task", args->id, "Task id, e.g. bd-52.1 (a git branch-name part)")->required();
  cmd->add_option("--lang", args->language, "Language template instead of detection");
  cmd->add_option("--base", args->base, "Revision to start from (default: HEAD)");
  cmd->add_flag("--no-tdd", *no_tdd, "Skip tdd-setup for this task (recorded with the task)");
  // One glob per --allow/--forbid, so `new --allow 'src/**' my-task` keeps the task id.
  cmd->add_option("--allow", *allow, "Glob the task may change (repeatable; default '**')")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--forbid", args->contract.forbid, "Glob the task may not change (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--from", args->contract.from, "Description from a file or a beads issue id");
  cmd->add_option("--contract", args->contract.contract_file, "Start from this contract file");
  cmd->callback([&ctx, args, no_tdd, allow, cmd] {
    auto repo = ctx.open_repo();
    if (repo.vcs->main_tree_dirty()) {
      fmt::print(stderr,
                 "factory: warning: uncommitted changes in the main worktree are not carried "
                 "into the task\n");
    }
    args->tdd = !*no_tdd;
    args->actor = pipeline::current_actor(std::filesystem::current_path()).recorded();
    if (cmd->count("--allow") > 0) args->contract.allow = *allow;
    args->factory_binary = own_binary();
    auto result = pipeline::create_task(repo, *args, ctx.runner);
    const auto& task = result.task;
    for (const auto& w : result.warnings) fmt::print(stderr, "factory: warning: {}\n", w);
    fmt::print("created task {} ({}) · workspace {} · branch {}\n", task.id, task.lang,
               task.workspace, task.branch);
    std::string contract = std::filesystem::relative(result.contract_file, repo.main_root());
    fmt::print("contract {} · {}\n", contract,
               result.hook_installed ? "pre-commit boundary hook installed"
                                     : "no git hooks in jj: factory checks the contract itself "
                                       "before each commit");
    fmt::print("rollout plan {}\n",
               std::filesystem::relative(result.deployment_file, repo.main_root()).string());
    for (const auto& r : result.requirements) {
      fmt::print("requires test {}\n", pipeline::describe(r));
    }
    if (!task.tdd) fmt::print("tdd-setup disabled for this task (--no-tdd)\n");
    fmt::print("next: cd {} && factory run\n", task.workspace);
  });
}

}  // namespace factory::cli
