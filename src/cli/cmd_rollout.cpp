#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/rollout_session.hpp"
#include "config/deployment_file.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "report/style.hpp"

namespace factory::cli {

namespace {

// Whether the process that claimed the rollout still runs (a killed one leaves its pid).
bool watcher_alive(const store::RolloutRow& row) {
  return row.pid > 0 && row.pid != getpid() && kill(static_cast<pid_t>(row.pid), 0) == 0;
}

// Another process drives the rollout now: a second one would fight it over the flag.
void refuse_if_watched(const store::RolloutRow& row) {
  if (row.state != "monitoring" || !watcher_alive(row)) return;
  throw core::Error(
      core::ExitCode::blocked,
      fmt::format("the rollout of '{}' is being watched by process {}", row.task, row.pid),
      "stop that process first (Ctrl-C in its terminal), then try again");
}

// What a person should know beyond the state: a rollout nobody watches any more.
std::string state_of(const store::RolloutRow& row) {
  if (row.state == "monitoring" && !watcher_alive(row)) return "stopped";
  return row.state;
}

std::string step_text(const store::RolloutRow& row, const rollout::Plan& plan) {
  if (row.step < 0 || row.step >= static_cast<int>(plan.steps.size())) return "no step yet";
  return fmt::format("step {}/{} {}", row.step + 1, plan.steps.size(), plan.steps[row.step].name);
}

nlohmann::json rollout_json(const store::Store& store, const store::RolloutRow& row) {
  auto plan = rollout::plan_from_json(row.plan_json);
  // The steps as deployed, in the plan's own stored form (with each step's rules).
  nlohmann::json steps = nlohmann::json::parse(row.plan_json).at("steps");
  nlohmann::json probes = nlohmann::json::array();
  if (row.step >= 0) {
    for (const auto& p : store.probes(row.task, row.step)) {
      probes.push_back({{"rule", p.rule},
                        {"at", p.at},
                        {"ok", p.ok},
                        {"value", p.value ? nlohmann::json(*p.value) : nlohmann::json(nullptr)},
                        {"fired", p.fired},
                        {"error", p.error}});
    }
  }
  return {{"task", row.task},
          {"flag", row.flag},
          {"strategy", row.strategy},
          {"state", state_of(row)},
          {"percentage", row.percentage},
          {"step", row.step},
          {"steps", steps},
          {"step_started_at", row.step_started_at},
          {"watcher_pid", watcher_alive(row) ? row.pid : 0},
          {"commit", row.commit_id},
          {"note", row.note},
          {"metrics", rollout::step_metrics(store, row, plan)},
          {"probes", probes}};
}

void print_rollout(const store::Store& store, const store::RolloutRow& row) {
  auto plan = rollout::plan_from_json(row.plan_json);
  fmt::print("{}  flag {}  {}%  {}  {} ({})\n", row.task, row.flag, row.percentage,
             step_text(row, plan), state_of(row), row.strategy);
  if (row.step >= 0) {
    fmt::print("  since {}: {}\n", report::format_time(row.step_started_at),
               rollout::step_metrics(store, row, plan));
  }
  if (state_of(row) == "stopped") {
    fmt::print("  no process is watching it: factory rollout resume {}\n", row.task);
  } else if (row.state == "rolling_back") {
    fmt::print(
        "  rollback pending ({}): the flag may still be on; factory rollout resume {} "
        "finishes it\n",
        row.note, row.task);
  } else if (!row.note.empty()) {
    fmt::print("  {}\n", row.note);
  }
}

void status(Context& ctx, const std::string& task, bool json) {
  auto repo = ctx.open_repo();
  std::vector<store::RolloutRow> rows;
  if (task.empty()) {
    rows = repo.store->list_rollouts();
  } else {
    std::string id = pipeline::resolve_task_id(repo, task);
    rows.push_back(rollout::require_rollout(*repo.store, id));
  }
  if (json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& row : rows) all.push_back(rollout_json(*repo.store, row));
    fmt::print("{}\n", core::json_text(task.empty() ? all : all[0], 2));
    return;
  }
  if (rows.empty()) fmt::print("no rollouts yet: factory deploy <task> starts one\n");
  for (const auto& row : rows) print_rollout(*repo.store, row);
}

int resume(Context& ctx, const std::string& task) {
  auto session = open_rollout_session(ctx);
  std::string id = pipeline::resolve_task_id(session->repo, task);
  auto row = rollout::require_rollout(*session->repo.store, id);
  if (row.state == "complete" || row.state == "rolled_back" || row.state == "removed") {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("the rollout of '{}' is {}: nothing to resume", id, row.state),
                      fmt::format("see it with: factory rollout status {}", id));
  }
  refuse_if_watched(row);
  return follow_rollout(*session, id, rollout::drive(*session->env, id));
}

int advance(Context& ctx, const std::string& task, bool yes) {
  auto session = open_rollout_session(ctx);
  std::string id = pipeline::resolve_task_id(session->repo, task);
  return follow_rollout(*session, id, decide_next(*session, id, yes));
}

int set_percentage(Context& ctx, const std::string& task, int percentage) {
  auto session = open_rollout_session(ctx);
  auto& repo = session->repo;
  std::string id = pipeline::resolve_task_id(repo, task);
  auto row = repo.store->find_rollout(id);
  if (!row || row->strategy != "manual") {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("'{}' has no manual rollout: its steps come from "
                                  "deployment.yaml",
                                  id),
                      fmt::format("advance it with 'factory rollout advance {}', or deploy with "
                                  "--strategy manual",
                                  id));
  }
  refuse_if_watched(*row);
  auto deployment = config::load_deployment(config::deployment_path(repo.main_root(), id));
  std::chrono::milliseconds duration{0};
  for (const auto& step : deployment.steps) {
    if (step.percentage == percentage) duration = step.duration;
  }
  auto stop =
      rollout::set_manual(*session->env, id, percentage, duration, rollout::all_rules(deployment));
  return follow_rollout(*session, id, stop);
}

}  // namespace

void add_rollout(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("rollout", "See and steer flag rollouts");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n  factory rollout status\n  factory rollout advance batch-upload\n"
      "  factory rollout resume batch-upload\n  factory rollout set batch-upload 25");

  auto* st = cmd->add_subcommand("status", "Where each rollout is (or one task's)");
  auto st_task = std::make_shared<std::string>();
  auto st_json = std::make_shared<bool>(false);
  st->add_option("task", *st_task, "Task id (all rollouts when left out)");
  st->add_flag("--json", *st_json, "One JSON document on stdout");
  st->callback([&ctx, st_task, st_json] { status(ctx, *st_task, *st_json); });

  auto* re = cmd->add_subcommand("resume", "Continue a rollout whose process stopped");
  auto re_task = std::make_shared<std::string>();
  re->add_option("task", *re_task, "Task id (inferred inside a task workspace)");
  re->callback([&ctx, re_task] { ctx.exit_code = resume(ctx, *re_task); });

  auto* ad = cmd->add_subcommand("advance", "Decide yes on the step a rollout waits for");
  auto ad_task = std::make_shared<std::string>();
  auto ad_yes = std::make_shared<bool>(false);
  ad->add_option("task", *ad_task, "Task id (inferred inside a task workspace)");
  ad->add_flag("-y,--yes", *ad_yes, "Decide without the prompt (recorded as non-interactive)");
  ad->callback([&ctx, ad_task, ad_yes] { ctx.exit_code = advance(ctx, *ad_task, *ad_yes); });

  auto* set = cmd->add_subcommand("set", "Set a manual rollout's percentage");
  auto set_task = std::make_shared<std::string>();
  auto set_pct = std::make_shared<int>(0);
  set->add_option("task", *set_task, "Task id")->required();
  set->add_option("percentage", *set_pct, "0 to 100")->required()->check(CLI::Range(0, 100));
  set->callback(
      [&ctx, set_task, set_pct] { ctx.exit_code = set_percentage(ctx, *set_task, *set_pct); });
}

}  // namespace factory::cli
