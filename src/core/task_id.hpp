#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace factory::core {

// Why a task id is invalid, or nullopt when it is a valid id (DESIGN.md §5): a git branch-name
// part `[a-z0-9][a-z0-9._-]{0,63}`, no "..", not ending in "." or ".lock", not a reserved verb.
std::optional<std::string> task_id_problem(std::string_view id);

// Throws a usage Error naming the problem when the id is invalid.
void validate_task_id(std::string_view id);

// The git branch that holds a task's work.
std::string task_branch(std::string_view id);

// The task id of a task branch ("factory/x" -> "x"), or nullopt for other branches.
std::optional<std::string> task_of_branch(std::string_view branch);

}  // namespace factory::core
