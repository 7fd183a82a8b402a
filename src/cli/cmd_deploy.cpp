#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"
#include "cli/rollout_session.hpp"
#include "config/deployment_file.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "pipeline/integrate.hpp"
#include "rollout/flag_file.hpp"

namespace factory::cli {

namespace {

struct DeployArgs {
  std::string task;
  std::string strategy;
  bool merge = false;
  bool yes = false;
};

// Everything that can refuse a deploy is checked before the base branch moves: the plan, the
// flag file, the flag's shape and who owns it. Returns the file as read, for the rollout.
rollout::FlagFile check_flag_file(const std::filesystem::path& file, const std::string& flag,
                                  const std::string& task) {
  auto flags = rollout::FlagFile::load(file);
  if (flags.fingerprint(flag).empty()) return flags;
  auto refuse = [&](const std::string& why) {
    return core::Error(
        core::ExitCode::blocked,
        fmt::format("flag '{}' in {} {}: nothing was integrated", flag, file.string(), why),
        fmt::format("name another flag in .factory/{}/deployment.yaml (flag: ...)", task));
  };
  if (!flags.owned_by_factory(flag)) throw refuse("already exists and is not factory's");
  const auto& owner = flags.document()["flags"][flag]["metadata"];
  std::string owner_task = owner.is_object() ? owner.value("task", "") : "";
  if (owner_task != task) {
    throw refuse(fmt::format("belongs to task '{}' (factory flag cleanup {} removes it)",
                             owner_task, owner_task));
  }
  flags.rollout_percentage(flag);  // a shape factory does not write is refused here, not later
  return flags;
}

// The flag file as a path relative to the main root, the way the VCS names changed files.
std::string flag_path_in_repo(const pipeline::Repo& repo) {
  auto full = config::flag_file_path(repo.main_root(), repo.config);
  return full.lexically_relative(repo.main_root()).generic_string();
}

std::string steps_text(const rollout::Plan& plan) {
  std::vector<std::string> parts;
  for (const auto& step : plan.steps) parts.push_back(fmt::format("{}%", step.percentage));
  return parts.empty() ? "percentages you set" : fmt::format("{}", fmt::join(parts, " → "));
}

void confirm_deploy(const DeployArgs& args, const std::string& id, const rollout::Plan& plan) {
  if (args.yes) return;
  if (!stdin_is_tty()) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("not deploying '{}' without a person at a terminal", id),
                      fmt::format("run it at a terminal, or pass --yes (decisions during the "
                                  "rollout still wait for a person): factory deploy {} --yes",
                                  id));
  }
  if (!confirm(fmt::format("Integrate {} and roll its flag out ({})?", id, steps_text(plan)))) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("'{}' not deployed: nothing changed", id),
                      fmt::format("deploy later with: factory deploy {}", id));
  }
}

int deploy(Context& ctx, const DeployArgs& args) {
  auto session = open_rollout_session(ctx);
  auto& repo = session->repo;
  std::string id = pipeline::resolve_task_id(repo, args.task);
  auto task = pipeline::require_task(repo, id);
  auto approval = pipeline::require_deployable(repo, task);
  auto deployment = config::load_deployment(config::deployment_path(repo.main_root(), id));
  if (!args.strategy.empty()) deployment.strategy = *core::parse_strategy(args.strategy);
  auto plan = rollout::make_plan(deployment);
  std::string flag = deployment.flag.empty() ? id : deployment.flag;
  auto flags = check_flag_file(session->flag_file(), flag, id);
  confirm_deploy(args, id, plan);

  // The flag file is factory's to write, wherever [flags] puts it: it never makes the tree dirty.
  auto done = pipeline::integrate_task(repo, task, approval, session->actor, !args.merge,
                                       {flag_path_in_repo(repo)});
  const std::string by = session->actor.recorded();
  repo.store->transaction([&] {
    repo.store->set_status(id, core::TaskStatus::deployed, by,
                           fmt::format("integrated into {} as {}", done.branch, done.commit_id));
    rollout::start_rollout(*session->env, id, flag,
                           std::string(core::strategy_name(deployment.strategy)), plan,
                           done.commit_id, flags);
    repo.store->set_status(id, core::TaskStatus::monitoring, by,
                           fmt::format("rollout of flag {} started", flag));
  });
  fmt::print("deployed {} by {}: {} on {} ({}, not pushed)\n", id, by, done.commit_id.substr(0, 12),
             done.branch, args.merge ? "merge commit" : "squash");
  std::fflush(stdout);
  return follow_rollout(*session, id, rollout::drive(*session->env, id));
}

void rollback(Context& ctx, const std::string& given, const std::string& reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw core::Error(core::ExitCode::usage, "a rollback needs a reason",
                      "factory rollback <task> --reason \"what went wrong\"");
  }
  auto session = open_rollout_session(ctx);
  std::string id = pipeline::resolve_task_id(session->repo, given);
  pipeline::require_task(session->repo, id);
  auto row = session->repo.store->find_rollout(id);
  if (!row) {
    throw core::Error(core::ExitCode::blocked, fmt::format("'{}' has no rollout to roll back", id),
                      fmt::format("see where it is: factory status {}", id));
  }
  if (row->state == "rolled_back" || row->state == "removed") {
    throw core::Error(
        core::ExitCode::blocked,
        fmt::format("the rollout of '{}' is already {}: {}", id,
                    row->state == "removed" ? "cleaned up" : "rolled back", row->note),
        fmt::format("its history: factory audit {}", id));
  }
  rollout::roll_back(*session->env, id, reason, "", false);
  fmt::print("rolled back {} by {}: flag {} at 0%: {}\n", id, session->actor.recorded(), row->flag,
             reason);
}

void cleanup(Context& ctx, const std::string& given) {
  auto session = open_rollout_session(ctx);
  std::string id = pipeline::resolve_task_id(session->repo, given);
  pipeline::require_task(session->repo, id);
  auto row = session->repo.store->find_rollout(id);
  if (!row || (row->state != "complete" && row->state != "rolled_back")) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("the flag of '{}' is still rolling out ({}): not removed", id,
                                  row ? row->state : "no rollout"),
                      fmt::format("finish the rollout or roll it back first: factory rollout "
                                  "status {}",
                                  id));
  }
  auto file = rollout::FlagFile::load(session->flag_file());
  if (file.fingerprint(row->flag) != row->flag_fingerprint || !file.owned_by_factory(row->flag)) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("flag '{}' in {} is not as factory left it: not removed",
                                  row->flag, session->flag_file().string()),
                      "restore it from the file's history, or remove it by hand");
  }
  file.remove(row->flag);
  file.save(session->flag_file());
  row->state = "removed";
  row->note = fmt::format("flag removed by {}", session->actor.recorded());
  session->repo.store->transaction([&] {
    session->repo.store->put_rollout(*row);
    session->repo.store->append_event(
        id, std::nullopt, session->actor.recorded(), "flag_removed",
        core::json_text(nlohmann::json{{"flag", row->flag}, {"percentage", row->percentage}}));
  });
  fmt::print("removed flag {} from {} (it was at {}%); the change stays integrated\n", row->flag,
             session->flag_file().string(), row->percentage);
}

}  // namespace

void add_flag_cleanup(CLI::App& flag_cmd, Context& ctx) {
  auto* cmd = flag_cmd.add_subcommand("cleanup", "Remove a finished rollout's flag from the file");
  cmd->footer(
      "After monitoring_complete (or a rollback) the flag stays in the file until a person\n"
      "decides the code no longer needs it.\nExamples:\n  factory flag cleanup batch-upload");
  auto task = std::make_shared<std::string>();
  cmd->add_option("task", *task, "Task id (inferred inside a task workspace)");
  cmd->callback([&ctx, task] { cleanup(ctx, *task); });
}

void add_deploy(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("deploy", "Integrate an approved task and roll out its flag");
  cmd->footer(
      "Squashes the task branch into the branch checked out in the main worktree (never pushes),\n"
      "then turns the task's flag up step by step (.factory/<task>/deployment.yaml), watching the\n"
      "probes at each step, asking before each step that requires a decision, and rolling back\n"
      "to 0% when a rule fires. Without a terminal it stops at the first decision.\n"
      "Examples:\n  factory deploy batch-upload\n"
      "  factory deploy batch-upload --strategy canary --yes");
  auto args = std::make_shared<DeployArgs>();
  cmd->add_option("task", args->task, "Task id (inferred inside a task workspace)");
  cmd->add_option("--strategy", args->strategy, "Override deployment.yaml's strategy")
      ->check(CLI::IsMember({"canary", "gradual", "manual"}));
  cmd->add_flag("--merge", args->merge, "Integrate with a merge commit instead of a squash");
  cmd->add_flag("-y,--yes", args->yes,
                "Deploy without the prompt (step decisions still wait for a person)");
  cmd->callback([&ctx, args] { ctx.exit_code = deploy(ctx, *args); });
}

void add_rollback(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("rollback", "Turn a task's flag off (0%) now, with a reason");
  cmd->footer("Examples:\n  factory rollback batch-upload --reason \"p99 latency doubled\"");
  auto task = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  cmd->add_option("task", *task, "Task id (inferred inside a task workspace)");
  cmd->add_option("--reason", *reason, "Why (required, kept in the audit trail)")->required();
  cmd->callback([&ctx, task, reason] { rollback(ctx, *task, *reason); });
}

}  // namespace factory::cli
