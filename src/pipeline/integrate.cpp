#include "pipeline/integrate.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "report/style.hpp"

namespace factory::pipeline {

ApprovalFacts approval_of(const store::Store& store, const std::string& task) {
  auto events = store.events(task);
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (it->action != "approved") continue;
    auto payload = nlohmann::json::parse(it->payload, nullptr, false);
    ApprovalFacts facts{it->actor, "", it->ts};
    if (payload.is_object()) facts.tree_id = payload.value("tree_id", "");
    return facts;
  }
  throw core::Error(core::ExitCode::blocked, fmt::format("'{}' has no approval on record", task),
                    fmt::format("approve it first: factory approve {}", task));
}

std::string integration_message(const store::Store& store, const store::TaskRow& task,
                                const ApprovalFacts& approval, const std::string& deployer,
                                bool squash) {
  std::string subject =
      fmt::format("{}: {} approved task (factory deploy)", task.id, squash ? "integrate" : "merge");
  std::string body = fmt::format("{} of branch {}, approved by {} at {:%Y-%m-%d %H:%M:%S} UTC.\n",
                                 squash ? "Squash" : "Merge", task.branch, approval.approver,
                                 fmt::gmtime(static_cast<std::time_t>(approval.at / 1000)));
  std::vector<std::string> summary;
  std::string table;
  for (const auto& result : store.latest_results(task.id)) {
    auto stage = core::stage_name(result.stage);
    auto outcome = core::outcome_name(result.outcome);
    summary.push_back(fmt::format("{}={}", stage, outcome));
    table += fmt::format("  {:<14} {:<8} {}\n", stage, outcome,
                         report::format_duration(result.duration_ms));
  }
  return fmt::format(
      "{}\n\n{}\nStages (last result of each):\n{}\nFactory-Task: {}\nFactory-Approved-By: {}\n"
      "Factory-Stages: {}\nFactory-Deployed-By: {}\n",
      subject, body, table, task.id, approval.approver, fmt::join(summary, ", "), deployer);
}

ApprovalFacts require_deployable(Repo& repo, const store::TaskRow& task) {
  if (task.status != core::TaskStatus::approved) {
    std::string hint =
        task.status == core::TaskStatus::ready_for_decision
            ? fmt::format("approve it first: factory approve {}", task.id)
            : fmt::format("only an approved task is deployed; see where it is: factory status {}",
                          task.id);
    throw core::Error(
        core::ExitCode::blocked,
        fmt::format("task '{}' is {}, not approved", task.id, core::status_name(task.status)),
        hint);
  }
  auto approval = approval_of(*repo.store, task.id);
  std::string tree = repo.vcs->content_tree_id(task.workspace);
  if (!approval.tree_id.empty() && tree != approval.tree_id) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("'{}' changed in its workspace since it was approved: nothing "
                                  "was integrated",
                                  task.id),
                      fmt::format("undo the change (git -C {} status), or run and approve again",
                                  task.workspace));
  }
  if (!repo.vcs->changes(task.workspace).empty()) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("'{}' has uncommitted changes in its workspace: nothing was "
                                  "integrated",
                                  task.id),
                      fmt::format("run it again so factory commits them: factory run {}", task.id));
  }
  return approval;
}

vcs::Integration integrate_task(Repo& repo, const store::TaskRow& task,
                                const ApprovalFacts& approval, const core::Actor& actor,
                                bool squash, const std::vector<std::string>& not_dirty) {
  vcs::IntegrateRequest request;
  request.not_dirty = not_dirty;
  request.task_branch = task.branch;
  request.squash = squash;
  request.message = integration_message(*repo.store, task, approval, actor.recorded(), squash);
  auto done = repo.vcs->integrate(request);
  repo.store->append_event(task.id, std::nullopt, actor.recorded(), "integrated",
                           core::json_text(nlohmann::json{{"branch", done.branch},
                                                          {"previous_head", done.previous_head},
                                                          {"commit", done.commit_id},
                                                          {"squash", squash}}));
  return done;
}

}  // namespace factory::pipeline
