#include "core/task_id.hpp"

#include <fmt/format.h>

#include <array>

#include "core/error.hpp"

namespace factory::core {

namespace {
constexpr std::array<std::string_view, 4> k_reserved = {"verify", "export", "report", "all"};
constexpr std::string_view k_branch_prefix = "factory/";

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
}  // namespace

std::optional<std::string> task_id_problem(std::string_view id) {
  if (id.empty()) return "a task id cannot be empty";
  if (id.size() > 64) return "a task id has at most 64 characters";
  if (id.find('/') != std::string_view::npos) return "a task id cannot contain '/'";
  if (id.find("..") != std::string_view::npos) return "a task id cannot contain '..'";
  if (!is_lower_alnum(id.front())) return "a task id starts with a lowercase letter or a digit";
  for (char c : id) {
    if (!is_lower_alnum(c) && c != '.' && c != '_' && c != '-') {
      return fmt::format("a task id cannot contain '{}'", c);
    }
  }
  if (id.back() == '.') return "a task id cannot end with '.'";
  if (id.ends_with(".lock")) return "a task id cannot end with '.lock'";
  for (auto word : k_reserved) {
    if (id == word) return fmt::format("'{}' is a reserved word", id);
  }
  return std::nullopt;
}

void validate_task_id(std::string_view id) {
  if (auto problem = task_id_problem(id)) {
    throw Error(ExitCode::usage, fmt::format("invalid task id '{}': {}", id, *problem),
                "use lowercase letters, digits, '.', '_' and '-', e.g. 'bd-52.1' or "
                "'batch-upload'");
  }
}

std::string task_branch(std::string_view id) {
  return fmt::format("{}{}", k_branch_prefix, id);
}

std::optional<std::string> task_of_branch(std::string_view branch) {
  if (branch.starts_with("refs/heads/")) branch.remove_prefix(11);
  if (!branch.starts_with(k_branch_prefix)) return std::nullopt;
  std::string id(branch.substr(k_branch_prefix.size()));
  if (task_id_problem(id)) return std::nullopt;
  return id;
}

}  // namespace factory::core
