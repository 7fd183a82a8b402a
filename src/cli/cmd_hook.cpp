#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "contract/blocked_message.hpp"
#include "contract/hook_check.hpp"
#include "contract/hooks.hpp"
#include "contract/pre_commit.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/task_id.hpp"
#include "pipeline/actor.hpp"
#include "store/store.hpp"
#include "vcs/git_hooks.hpp"

namespace factory::cli {

namespace {

namespace fs = std::filesystem;

// FACTORY_ALLOW_OUTSIDE with a reason: the commit goes ahead, on the record. Any failure to
// record throws, so an escape is never silent.
void record_escape(Context& ctx, const contract::HookCheck& check, const vcs::StagedChanges& staged,
                   const std::string& reason) {
  std::vector<std::string> files;
  for (const auto& v : check.violations) files.push_back(v.path);
  nlohmann::json payload = {
      {"files", files}, {"reason", reason}, {"workspace", staged.workspace_root.string()}};
  const std::string actor = pipeline::current_actor(std::filesystem::current_path()).recorded();
  store::Store db(staged.main_root / ".factory" / "state.db", ctx.clock);
  db.append_event(check.task, std::nullopt, actor, "boundary_escape", core::json_text(payload));
  std::vector<std::string> shown;
  for (const auto& f : files) shown.push_back(contract::display_path(f));
  fmt::print(stderr,
             "⚠ factory: {} committed outside task {}'s contract: {} (reason: {}); recorded as a "
             "boundary_escape event in .factory/state.db\n",
             contract::display_path(actor), check.task, fmt::join(shown, ", "),
             contract::display_path(reason));
}

// The hot path git runs on every commit in a task workspace (when the factory-hook fast path
// is not installed or hands over to this one): no store, no templates, no processes unless the
// commit is escaped. The decision and its words are contract::decide_pre_commit's.
void run_pre_commit(Context& ctx, const std::string& given_task) {
  auto staged = vcs::staged_changes_from_env();
  auto decision =
      contract::decide_pre_commit(given_task, staged, std::getenv("FACTORY_ALLOW_OUTSIDE"));
  if (decision.verdict == contract::PreCommitVerdict::escape) {
    record_escape(ctx, *decision.check, staged, decision.reason);
    return;
  }
  ctx.exit_code = contract::print_pre_commit(decision);
}

fs::path self_binary() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    throw Error(ExitCode::failed, "cannot find the factory binary's own path",
                "/proc/self/exe is unreadable; is /proc mounted?");
  }
  return self;
}

void report_install(const contract::HookInstall& r) {
  if (!r.changed) {
    fmt::print("pre-commit hook up to date: {}\n", r.hook_file.string());
  } else if (r.replaced_version > 0) {
    fmt::print("pre-commit hook updated: {} (was v{})\n", r.hook_file.string(), r.replaced_version);
  } else {
    fmt::print("pre-commit hook installed: {}\n", r.hook_file.string());
  }
  if (r.chained) fmt::print("  runs your existing hook first: {}\n", r.chained_hook.string());
  if (r.via_hooks_path) {
    fmt::print("  core.hooksPath was set, so it now points at {}; your other hooks pass through\n",
               r.hook_file.parent_path().string());
  }
}

void run_install(Context& ctx, const std::string& given) {
  auto repo = ctx.open_repo();
  if (repo.vcs->backend_name() != "git") {
    fmt::print(
        "jj runs no git hooks: nothing to install. factory checks the contract at its own commit "
        "step instead.\n");
    return;
  }
  const fs::path self = self_binary();
  std::vector<store::TaskRow> tasks;
  if (!given.empty()) {
    core::validate_task_id(given);
    tasks.push_back(pipeline::require_task(repo, given));
  } else {
    tasks = repo.store->list_tasks();
  }
  report_install(contract::install_dispatcher(repo.main_root(), self));
  for (const auto& task : tasks) {
    std::error_code ec;
    if (task.backend != "git" || !fs::is_directory(task.workspace, ec)) {
      if (!given.empty()) {
        throw Error(ExitCode::usage, fmt::format("task {} has no git workspace to guard", task.id),
                    "see 'factory status " + task.id + "'");
      }
      continue;
    }
    contract::mark_task_worktree(task.workspace, task.id);
    fmt::print("  task {}: guarding {}\n", task.id, task.workspace);
  }
}

void run_uninstall(Context& ctx) {
  auto repo = ctx.open_repo();
  auto r = contract::uninstall_hook(repo.main_root());
  if (!r.removed) {
    fmt::print("no factory hook was installed\n");
    return;
  }
  fmt::print("factory's pre-commit hook removed; task workspaces unmarked\n");
  if (!r.restored_hook.empty()) fmt::print("  your hook is back: {}\n", r.restored_hook.string());
  if (r.hooks_path_restored) {
    if (r.hooks_path.empty()) {
      fmt::print("  core.hooksPath unset again\n");
    } else {
      fmt::print("  core.hooksPath restored to {}\n", r.hooks_path);
    }
  }
}

}  // namespace

// `factory hook pre-commit|install|uninstall`.
void add_hook(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("hook", "The git pre-commit hook that enforces task contracts");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n  factory hook install            # (re)install for every task workspace\n"
      "  factory hook install batch-upload\n  factory hook uninstall          # restore what "
      "was there before\n"
      "  FACTORY_ALLOW_OUTSIDE=\"why\" git commit   # audited escape, recorded as an event");

  auto* pre = cmd->add_subcommand(
      "pre-commit", "Check the staged change against the task's contract (run by git)");
  auto task = std::make_shared<std::string>();
  pre->add_option("--task", *task, "Task id (default: the task of the current worktree)");
  pre->callback([&ctx, task] { run_pre_commit(ctx, *task); });

  auto* install =
      cmd->add_subcommand("install", "Install or upgrade the dispatcher and mark task workspaces");
  auto install_task = std::make_shared<std::string>();
  install->add_option("task", *install_task, "Only this task (default: every task)");
  install->callback([&ctx, install_task] { run_install(ctx, *install_task); });

  auto* uninstall = cmd->add_subcommand(
      "uninstall", "Remove the hook and restore the previous hooks and core.hooksPath");
  uninstall->callback([&ctx] { run_uninstall(ctx); });
}

}  // namespace factory::cli
