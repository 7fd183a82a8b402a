#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace factory::core {

// A task's lifecycle (DESIGN.md §3).
enum class TaskStatus {
  created,
  running,  // a run is under way (or one was cut off: the next run takes over)
  in_progress,
  failed,
  ready_for_decision,
  approved,
  deployed,
  monitoring,
  monitoring_complete,
  rolled_back,
  rejected,
  abandoned,
};

std::string_view status_name(TaskStatus status);
std::optional<TaskStatus> parse_status(std::string_view name);

// The statuses a task may move to from `from`.
std::vector<TaskStatus> legal_next(TaskStatus from);

bool can_transition(TaskStatus from, TaskStatus to);

// Throws a blocked Error naming the legal next steps when the move is illegal.
void check_transition(TaskStatus from, TaskStatus to);

// Whether work (runs, stages) may still happen on a task in this status: it may start running.
bool is_workable(TaskStatus status);

}  // namespace factory::core
