#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/json_text.hpp"
#include "extract/finding_json.hpp"
#include "pipeline/readiness.hpp"
#include "pipeline/task_context.hpp"
#include "report/dashboard.hpp"
#include "report/root_cause.hpp"
#include "report/style.hpp"

namespace factory::cli {

namespace {
nlohmann::json task_json(const store::TaskRow& task) {
  nlohmann::json j = {
      {"id", task.id},
      {"status", core::status_name(task.status)},
      {"lang", task.lang},
      {"workspace", task.workspace},
      {"branch", task.branch},
      {"base_commit", task.base_commit},
      {"backend", task.backend},
      {"tdd", task.tdd},
      {"created_at", task.created_at},
  };
  j["red_confirmed_at"] =
      task.red_confirmed_at ? nlohmann::json(*task.red_confirmed_at) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json stage_json(const store::StageResultRow& r) {
  nlohmann::json j = {{"stage", core::stage_name(r.stage)},
                      {"outcome", core::outcome_name(r.outcome)},
                      {"exit_code", r.exit_code},
                      {"duration_ms", r.duration_ms},
                      {"tree_id", r.tree_id},
                      {"commit_id", r.commit_id},
                      {"detail", r.detail},
                      {"log", r.log_path},
                      {"run_id", r.run_id}};
  j["findings"] = nlohmann::json::array();
  for (const auto& finding : r.findings)
    j["findings"].push_back(nlohmann::json(extract::to_json(finding)));
  // The first finding of a red stage; null for a green one or when nothing was recognised.
  bool red = r.outcome == core::Outcome::failed && !r.findings.empty();
  j["root_cause"] = red ? j["findings"].front() : nlohmann::json(nullptr);
  return j;
}

void print_status(const pipeline::Repo& repo, const store::TaskRow& task) {
  bool color = report::color_enabled(stdout);
  fmt::print("task {} ({}) · {}\n", report::paint(task.id, report::Tone::strong, color), task.lang,
             core::status_name(task.status));
  fmt::print("  workspace {}\n  branch    {} · base {}\n", task.workspace, task.branch,
             task.base_commit.substr(0, 7));
  if (!task.tdd) fmt::print("  tdd       disabled (--no-tdd)\n");
  if (task.red_confirmed_at) {
    fmt::print("  tdd       red confirmed {}\n", report::format_time(*task.red_confirmed_at));
  }
  if (auto run = repo.store->last_run(task.id)) {
    fmt::print("  last run  {} · {} · {}\n", run->number, run->range, run->status);
  }
  if (task.status == core::TaskStatus::ready_for_decision) {
    if (auto readiness = pipeline::latest_readiness(*repo.store, task.id)) {
      fmt::print("  {}  {} · next: factory approve {}\n",
                 report::paint("READY FOR DECISION", report::Tone::good, color),
                 report::readiness_summary(*readiness), task.id);
    }
  }
  for (const auto& r : repo.store->latest_results(task.id)) {
    fmt::print("  {} {:<8} {}\n", report::stage_label(r.stage), core::outcome_name(r.outcome),
               r.detail);
    if (r.outcome == core::Outcome::failed && !r.findings.empty()) {
      const auto& first = r.findings.front();
      std::string where = report::location(first, task.workspace);
      fmt::print("  {:<20} {}{}\n", "", where.empty() ? "" : where + "  ",
                 report::printable(report::headline(first)));
    }
  }
}
}  // namespace

void add_status(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("status", "Show a task's status and latest stage results");
  cmd->footer(
      "Examples:\n  factory status                   # inside a task workspace\n"
      "  factory status batch-upload --json");
  auto task_arg = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("task", *task_arg, "Task id (inferred inside a task workspace)");
  cmd->add_flag("--json", *json, "Print one JSON document");
  cmd->callback([&ctx, task_arg, json] {
    auto repo = ctx.open_repo();
    auto task = pipeline::require_task(repo, pipeline::resolve_task_id(repo, *task_arg));
    if (!*json) return print_status(repo, task);
    auto j = task_json(task);
    j["stages"] = nlohmann::json::array();
    for (const auto& r : repo.store->latest_results(task.id)) j["stages"].push_back(stage_json(r));
    if (auto run = repo.store->last_run(task.id)) {
      j["last_run"] = {{"number", run->number}, {"range", run->range}, {"status", run->status}};
    }
    // The latest measured metrics (their tree_id says which contents they describe).
    j["readiness"] = nullptr;
    if (auto readiness = pipeline::latest_readiness(*repo.store, task.id)) {
      j["readiness"] = pipeline::readiness_to_json(*readiness);
    }
    fmt::print("{}\n", core::json_text(j, 2));
  });
}

void add_list(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("list", "List tasks");
  cmd->footer("Examples:\n  factory list\n  factory list --json | jq '.[].id'");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print one JSON array");
  cmd->callback([&ctx, json] {
    auto repo = ctx.open_repo();
    auto tasks = repo.store->list_tasks();
    if (*json) {
      auto j = nlohmann::json::array();
      for (const auto& t : tasks) j.push_back(task_json(t));
      fmt::print("{}\n", core::json_text(j, 2));
      return;
    }
    if (tasks.empty()) fmt::print(stderr, "no tasks yet · create one with 'factory new <task>'\n");
    for (const auto& t : tasks) {
      fmt::print("{:<24} {:<20} {:<8} {}\n", t.id, core::status_name(t.status), t.lang,
                 t.workspace);
    }
  });
}

}  // namespace factory::cli
