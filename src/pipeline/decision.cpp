#include "pipeline/decision.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_text.hpp"

namespace factory::pipeline {

using core::ExitCode;
using core::TaskStatus;

namespace {

// The most recent status event that moved the task to `to`: "by <actor> at <ms>" details.
std::optional<store::EventRow> last_move_to(const store::Store& store, const std::string& task,
                                            TaskStatus to) {
  auto events = store.events(task);
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (it->action != "status") continue;
    auto payload = nlohmann::json::parse(it->payload, nullptr, false);
    if (payload.is_object() && payload.value("to", "") == core::status_name(to)) return *it;
  }
  return std::nullopt;
}

std::string next_step_for(TaskStatus status, const std::string& task) {
  switch (status) {
    case TaskStatus::running:
      return fmt::format(
          "a run is under way or was cut off: let it finish, or run it again: "
          "factory run {}",
          task);
    case TaskStatus::created:
    case TaskStatus::in_progress:
    case TaskStatus::rolled_back:
      return fmt::format("run the whole pipeline first: factory run {}", task);
    case TaskStatus::failed:
      return fmt::format("fix the red stage and run again: factory run {}", task);
    case TaskStatus::approved:
      return fmt::format("it is approved; integrate and roll it out: factory deploy {}", task);
    default:
      return fmt::format("see its history: factory audit {}", task);
  }
}

// Refuses a rejection the task's current status does not allow, naming who already rejected.
void refuse_rejection(const store::Store& store, const store::TaskRow& task) {
  if (task.status == TaskStatus::rejected) {
    auto event = last_move_to(store, task.id, task.status);
    throw core::Error(ExitCode::blocked,
                      fmt::format("task '{}' was already rejected{}", task.id,
                                  event ? " by " + event->actor : std::string()),
                      fmt::format("see why: factory audit {}", task.id));
  }
  core::check_transition(task.status, TaskStatus::rejected);
}

}  // namespace

bool all_green_on_tree(const store::Store& store, const store::TaskRow& task,
                       const std::string& tree_id) {
  for (core::Stage stage : core::all_stages()) {
    if (stage == core::Stage::tdd_setup && (!task.tdd || task.red_confirmed_at)) continue;
    if (!store.green_on_tree(task.id, stage, tree_id)) return false;
  }
  return true;
}

void require_ready_for_decision(const Repo& repo, const store::TaskRow& task) {
  if (task.status == TaskStatus::ready_for_decision) return;
  std::string message = fmt::format("task '{}' is {}, not ready_for_decision", task.id,
                                    core::status_name(task.status));
  if (task.status == TaskStatus::approved || task.status == TaskStatus::rejected) {
    if (auto event = last_move_to(*repo.store, task.id, task.status)) {
      message = fmt::format("task '{}' was already {} by {}", task.id,
                            core::status_name(task.status), event->actor);
    }
  }
  throw core::Error(ExitCode::blocked, message, next_step_for(task.status, task.id));
}

std::string require_green_tree(Repo& repo, const store::TaskRow& task) {
  std::string tree = repo.vcs->content_tree_id(task.workspace);
  if (all_green_on_tree(*repo.store, task, tree)) return tree;
  throw core::Error(
      ExitCode::blocked,
      fmt::format("task '{}' changed since its pipeline passed: the workspace tree "
                  "is now {}, which no green run checked",
                  task.id, tree.substr(0, 12)),
      fmt::format("run the pipeline on the change: factory run {} --resume", task.id));
}

void require_approver(const core::Contract& contract, const core::Actor& actor,
                      const std::string& task) {
  if (contract.approvers.empty()) return;
  for (const auto& approver : contract.approvers) {
    if (actor.matches(approver)) return;
  }
  throw core::Error(ExitCode::blocked,
                    fmt::format("{} may not approve '{}': the contract's approvers are {}",
                                actor.recorded(), task, fmt::join(contract.approvers, ", ")),
                    fmt::format("ask one of them to run 'factory approve {}' (the actor comes from "
                                "FACTORY_ACTOR, git user.name/user.email or the OS user)",
                                task));
}

void refuse_if_blocked(const std::vector<std::string>& blockers, const std::string& task) {
  if (blockers.empty()) return;
  std::string hint = fmt::format("fix it and run 'factory run {}' again", task);
  if (blockers.size() > 1) {
    std::vector<std::string> rest(blockers.begin() + 1, blockers.end());
    hint = fmt::format("also: {}; then {}", fmt::join(rest, "; "), hint);
  }
  throw core::Error(ExitCode::blocked,
                    fmt::format("cannot approve '{}': {}", task, blockers.front()), hint);
}

void record_approval(Repo& repo, const store::TaskRow& task, const core::Actor& actor,
                     const ApprovalRecord& record) {
  auto metrics = nlohmann::json::parse(record.metrics_json, nullptr, false);
  if (metrics.is_discarded()) metrics = nlohmann::json::object();
  nlohmann::json payload = {{"note", record.note},
                            {"interactive", record.interactive},
                            {"tree_id", record.tree_id},
                            {"actor_source", actor.source},
                            {"readiness", metrics}};
  repo.store->transaction([&] {
    // Under the write lock: of two approvals racing, the second sees the first and is refused.
    require_ready_for_decision(repo, *repo.store->find_task(task.id));
    repo.store->set_status(task.id, TaskStatus::approved, actor.recorded(), record.note);
    repo.store->append_event(task.id, std::nullopt, actor.recorded(), "approved",
                             core::json_text(payload));
  });
}

void reject_task(Repo& repo, const store::TaskRow& task, const core::Actor& actor,
                 const std::string& reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw core::Error(ExitCode::usage, "a rejection needs a reason",
                      fmt::format("factory reject {} --reason \"what is wrong\"", task.id));
  }
  nlohmann::json payload = {{"reason", reason}, {"actor_source", actor.source}};
  repo.store->transaction([&] {
    refuse_rejection(*repo.store, *repo.store->find_task(task.id));
    repo.store->set_status(task.id, TaskStatus::rejected, actor.recorded(), reason);
    repo.store->append_event(task.id, std::nullopt, actor.recorded(), "rejected",
                             core::json_text(payload));
  });
}

}  // namespace factory::pipeline
