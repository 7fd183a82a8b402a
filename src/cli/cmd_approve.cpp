#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "pipeline/actor.hpp"
#include "pipeline/decision.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/readiness.hpp"
#include "proc/interrupt.hpp"
#include "report/dashboard.hpp"
#include "report/screen.hpp"

namespace factory::cli {

namespace {

struct ApproveArgs {
  std::string task;
  bool yes = false;
  std::string note;
};

// Everything approve refuses on, in the order a person would fix them; returns the metrics
// shown, as JSON for the audit trail.
std::string check_and_show(pipeline::Repo& repo, const store::TaskRow& task,
                           const core::Actor& actor, const std::string& tree) {
  auto setup = pipeline::task_setup(repo, task);
  pipeline::require_approver(setup.contract, actor, task.id);
  auto readiness = pipeline::measure_readiness(*repo.vcs, *repo.store, setup, tree);
  repo.store->put_readiness(task.id, tree, core::json_text(pipeline::readiness_to_json(readiness)));
  fmt::print("{}", report::render_dashboard(readiness, report::Style::for_stdout()));
  pipeline::refuse_if_blocked(readiness.blocking_reasons(), task.id);
  return core::json_text(pipeline::readiness_to_json(readiness));
}

void approve(Context& ctx, const ApproveArgs& args) {
  auto repo = ctx.open_repo();
  std::string id = pipeline::resolve_task_id(repo, args.task);
  auto task = pipeline::require_task(repo, id);
  auto actor = pipeline::current_actor(std::filesystem::current_path());
  pipeline::require_ready_for_decision(repo, task);
  std::string tree = pipeline::require_green_tree(repo, task);
  pipeline::ApprovalRecord record;
  record.note = args.note;
  record.tree_id = tree;
  record.metrics_json = check_and_show(repo, task, actor, tree);
  if (!args.yes) {
    if (!stdin_is_tty()) {
      throw core::Error(core::ExitCode::blocked,
                        fmt::format("not approving '{}' without a person at a terminal", id),
                        fmt::format("run it at a terminal to answer the prompt, or pass --yes "
                                    "(recorded as non-interactive): factory approve {} --yes",
                                    id));
    }
    if (!confirm(fmt::format("Approve {}?", id))) {
      throw core::Error(core::ExitCode::blocked,
                        fmt::format("'{}' not approved: nothing recorded", id),
                        fmt::format("approve later with 'factory approve {}', or reject it with "
                                    "'factory reject {} --reason TEXT'",
                                    id, id));
    }
    record.interactive = true;
  }
  // Ctrl-C while the dashboard was measured, or an edit while the prompt was open: the person
  // saw something other than what would be recorded.
  if (proc::interrupt_requested()) {
    throw core::Error(core::ExitCode::interrupted,
                      fmt::format("interrupted: '{}' not approved, nothing recorded", id),
                      "run the command again to decide");
  }
  if (repo.vcs->content_tree_id(task.workspace) != tree) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("'{}' changed while it was being approved: nothing recorded", id),
                      fmt::format("run 'factory run {}' on the new contents, then approve", id));
  }
  pipeline::record_approval(repo, task, actor, record);
  fmt::print("approved {} by {}{} · nothing was merged yet; next: factory deploy {}\n", id,
             actor.recorded(), record.interactive ? "" : " (non-interactive, --yes)", id);
}

}  // namespace

void add_approve(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("approve", "Approve a task that is ready for decision");
  cmd->footer(
      "Shows the readiness dashboard, then asks 'Approve <task>? [y/N]' at a terminal.\n"
      "Never merges or deploys anything.\n"
      "Examples:\n  factory approve batch-upload\n"
      "  factory approve batch-upload --yes --note \"reviewed in PR 12\"   # CI, no prompt");
  auto args = std::make_shared<ApproveArgs>();
  cmd->add_option("task", args->task, "Task id (inferred inside a task workspace)");
  cmd->add_flag("-y,--yes", args->yes, "Approve without the prompt (recorded as non-interactive)");
  cmd->add_option("--note", args->note, "Why it is approved, kept in the audit trail");
  cmd->callback([&ctx, args] { approve(ctx, *args); });
}

void add_reject(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("reject", "Reject a task, with the reason on record");
  cmd->footer("Examples:\n  factory reject batch-upload --reason \"needs a rate limit\"");
  auto task = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  cmd->add_option("task", *task, "Task id (inferred inside a task workspace)");
  cmd->add_option("--reason", *reason, "Why it is rejected (required)")->required();
  cmd->callback([&ctx, task, reason] {
    auto repo = ctx.open_repo();
    std::string id = pipeline::resolve_task_id(repo, *task);
    auto row = pipeline::require_task(repo, id);
    auto actor = pipeline::current_actor(std::filesystem::current_path());
    pipeline::reject_task(repo, row, actor, *reason);
    fmt::print("rejected {} by {}: {}\n", id, actor.recorded(), *reason);
  });
}

}  // namespace factory::cli
