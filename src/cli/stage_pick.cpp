#include "cli/stage_pick.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/task_id.hpp"

namespace factory::cli {

namespace {

bool is_red(const store::StageResultRow& r) {
  return r.outcome == core::Outcome::failed;
}

// The most recent of `results` that `keep` accepts; ties go to the later stage.
template <typename Keep>
std::optional<store::StageResultRow> most_recent(const std::vector<store::StageResultRow>& results,
                                                 Keep keep) {
  std::optional<store::StageResultRow> best;
  for (const auto& r : results) {
    if (!keep(r)) continue;
    if (!best || std::pair(r.at, r.stage) > std::pair(best->at, best->stage)) best = r;
  }
  return best;
}

std::optional<store::StageResultRow> latest_of(const pipeline::Repo& repo, const std::string& task,
                                               core::Stage stage) {
  for (const auto& r : repo.store->latest_results(task)) {
    if (r.stage == stage) return r;
  }
  return std::nullopt;
}

[[noreturn]] void never_ran(const std::string& task, core::Stage stage) {
  throw Error(ExitCode::usage,
              fmt::format("stage {} of task {} has not run yet", core::stage_name(stage), task),
              fmt::format("run it: factory stage {} {}", task, core::stage_name(stage)));
}

// For a task with no stage results at all: there is nothing to pick from.
[[noreturn]] void task_never_ran(const std::string& task) {
  throw Error(ExitCode::usage, fmt::format("task {} has not run yet", task),
              fmt::format("run it: factory run {}", task));
}

}  // namespace

TaskStage task_and_stage(const pipeline::Repo& repo, const std::vector<std::string>& words) {
  TaskStage out;
  std::string task;
  if (words.size() == 2) {
    task = words[0];
    out.stage = core::require_stage(words[1]);
  } else if (words.size() == 1) {
    // In a task workspace a lone stage name means that stage of this task.
    auto stage = core::parse_stage(words[0]);
    if (stage && core::task_of_branch(repo.location.branch)) {
      out.stage = stage;
    } else {
      task = words[0];
    }
  }
  out.task = pipeline::resolve_task_id(repo, task);
  pipeline::require_task(repo, out.task);
  return out;
}

store::StageResultRow red_result(const pipeline::Repo& repo, const TaskStage& which) {
  if (which.stage) {
    auto result = latest_of(repo, which.task, *which.stage);
    if (!result) never_ran(which.task, *which.stage);
    if (!is_red(*result)) {
      throw Error(
          ExitCode::usage,
          fmt::format("stage {} of task {} is not red (its last result: {})",
                      core::stage_name(*which.stage), which.task,
                      core::outcome_name(result->outcome)),
          fmt::format("explain works on a failed stage; see 'factory status {}'", which.task));
    }
    return *result;
  }
  auto latest = repo.store->latest_results(which.task);
  if (latest.empty()) task_never_ran(which.task);
  if (auto red = most_recent(latest, is_red)) return *red;
  throw Error(ExitCode::usage, fmt::format("task {} has no red stage", which.task),
              fmt::format("nothing to explain: every stage that ran passed (factory status {})",
                          which.task));
}

store::StageResultRow logged_result(const pipeline::Repo& repo, const TaskStage& which) {
  if (which.stage) {
    auto result = latest_of(repo, which.task, *which.stage);
    if (!result) never_ran(which.task, *which.stage);
    return *result;
  }
  if (auto run = repo.store->last_run(which.task)) {
    if (auto red = most_recent(repo.store->stage_results(run->id), is_red)) return *red;
  }
  auto latest = repo.store->latest_results(which.task);
  auto ran = most_recent(latest, [](const auto& r) { return r.outcome != core::Outcome::skipped; });
  if (!ran) ran = most_recent(latest, [](const auto&) { return true; });
  if (!ran) task_never_ran(which.task);
  return *ran;
}

std::filesystem::path stage_log(const pipeline::Repo& repo, const store::StageResultRow& result) {
  std::string stage(core::stage_name(result.stage));
  if (result.log_path.empty()) {
    throw Error(ExitCode::usage,
                fmt::format("stage {} of task {} has no log ({}: {})", stage, result.task,
                            core::outcome_name(result.outcome), result.detail),
                "a stage that was skipped before it ran writes no log; see 'factory status'");
  }
  std::filesystem::path log = result.log_path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(log, ec)) {
    throw Error(ExitCode::usage, fmt::format("the log of {} is missing: {}", stage, log.string()),
                fmt::format("logs live in {}; they are not kept in git, so a fresh clone or a "
                            "cleaned .factory/logs has none",
                            (repo.factory_dir() / "logs" / result.task).string()));
  }
  return log;
}

std::string run_label(const store::StageResultRow& result) {
  std::string folder = std::filesystem::path(result.log_path).parent_path().filename().string();
  return folder.starts_with("run-") ? folder : "";
}

}  // namespace factory::cli
