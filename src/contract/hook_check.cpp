#include "contract/hook_check.hpp"

#include <fmt/format.h>

#include <fstream>

#include "config/contract_file.hpp"
#include "core/error.hpp"
#include "core/task_id.hpp"

namespace factory::contract {

std::optional<std::string> task_of_git_dir(const fs::path& git_dir) {
  std::ifstream in(git_dir / "factory-task");
  std::string task;
  if (!in || !std::getline(in, task)) return std::nullopt;
  while (!task.empty() && (task.back() == '\r' || task.back() == ' ')) task.pop_back();
  if (task.empty()) return std::nullopt;
  return task;
}

std::optional<std::string> hook_task(const std::string& given, const vcs::StagedChanges& staged) {
  std::optional<std::string> task;
  if (!given.empty()) {
    task = given;
  } else if (auto marked = task_of_git_dir(staged.git_dir)) {
    task = marked;
  } else {
    task = core::task_of_branch(staged.branch);
  }
  // The id names a folder under .factory/: a bad one must not reach the file system.
  if (task) core::validate_task_id(*task);
  return task;
}

std::vector<PathChange> path_changes(const std::vector<vcs::StagedChange>& staged) {
  std::vector<PathChange> changes;
  changes.reserve(staged.size());
  for (const auto& s : staged) changes.push_back(PathChange{s.path, s.kind, s.symlink_target});
  return changes;
}

HookCheck check_staged(const std::string& task, const vcs::StagedChanges& staged) {
  HookCheck result;
  result.task = task;
  result.contract_file = config::contract_path(staged.main_root, task);
  core::Contract contract;
  try {
    contract = config::load_contract(result.contract_file);
  } catch (const Error& e) {
    // Fail closed: no contract that can be read means no commit.
    throw Error(ExitCode::blocked,
                fmt::format("✗ BLOCKED: task {}'s contract cannot be used: {}", task, e.what()),
                e.hint().empty() ? fmt::format("fix it, then check it with 'factory contract "
                                               "check {}'",
                                               task)
                                 : e.hint());
  }
  result.boundaries = contract.boundaries;
  auto changes = path_changes(staged.changes);
  resolve_symlinks_on_disk(changes, staged.workspace_root);
  result.violations = check_boundaries(contract.boundaries, changes);
  return result;
}

}  // namespace factory::contract
