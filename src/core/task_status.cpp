#include "core/task_status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/error.hpp"

namespace factory::core {

namespace {
constexpr std::array<std::string_view, 12> k_names = {
    "created",
    "running",
    "in_progress",
    "failed",
    "ready_for_decision",
    "approved",
    "deployed",
    "monitoring",
    "monitoring_complete",
    "rolled_back",
    "rejected",
    "abandoned",
};

using S = TaskStatus;
}  // namespace

std::string_view status_name(TaskStatus status) {
  return k_names[static_cast<size_t>(status)];
}

std::optional<TaskStatus> parse_status(std::string_view name) {
  for (size_t i = 0; i < k_names.size(); ++i) {
    if (k_names[i] == name) return static_cast<TaskStatus>(i);
  }
  return std::nullopt;
}

std::vector<TaskStatus> legal_next(TaskStatus from) {
  // A run starts from any workable status and ends in progress, failed or ready; a person
  // decides from ready on.
  const std::vector<S> run_outcomes = {S::running};
  auto with = [&](std::vector<S> extra) {
    std::vector<S> all = run_outcomes;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  switch (from) {
    case S::running:
      return {S::in_progress, S::failed,   S::ready_for_decision,
              S::running,     S::rejected, S::abandoned};
    case S::created:
    case S::in_progress:
    case S::failed:
      return with({S::rejected, S::abandoned});
    case S::ready_for_decision:
      return with({S::approved, S::rejected, S::abandoned});
    case S::approved:
      return {S::deployed, S::rejected, S::abandoned};
    case S::deployed:
      return {S::monitoring, S::rolled_back};
    case S::monitoring:
      return {S::monitoring_complete, S::rolled_back};
    case S::rolled_back:
      return with({S::abandoned});
    case S::rejected:  // decided; abandoning it only removes its workspace and branch
      return {S::abandoned};
    case S::monitoring_complete:  // the flag is still in the file: a late problem can turn it off
      return {S::rolled_back};
    case S::abandoned:
      return {};
  }
  return {};
}

bool can_transition(TaskStatus from, TaskStatus to) {
  auto next = legal_next(from);
  return std::find(next.begin(), next.end(), to) != next.end();
}

void check_transition(TaskStatus from, TaskStatus to) {
  if (can_transition(from, to)) return;
  auto next = legal_next(from);
  std::vector<std::string_view> names;
  for (auto s : next) names.push_back(status_name(s));
  throw Error(ExitCode::blocked,
              fmt::format("a task that is {} cannot become {}", status_name(from), status_name(to)),
              next.empty()
                  ? std::string("this task is finished; create a new task with 'factory new'")
                  : fmt::format("from {} a task can become: {}", status_name(from),
                                fmt::join(names, ", ")));
}

bool is_workable(TaskStatus status) {
  return can_transition(status, S::running);
}

}  // namespace factory::core
