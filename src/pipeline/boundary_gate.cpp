#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/text_file.hpp"
#include "core/json_text.hpp"
#include "pipeline/boundary_gate.hpp"
#include "pipeline/cycle.hpp"
#include "pipeline/engine.hpp"

namespace factory::pipeline {

using core::Outcome;
using core::Stage;

std::vector<contract::Violation> task_boundary_violations(
    const TaskSetup& setup, const std::vector<vcs::FileChange>& changes) {
  std::vector<contract::Violation> found;
  if (!setup.contract_file.empty() &&
      config::try_read_text_file(setup.contract_file) != setup.contract_text) {
    found.push_back({fmt::format(".factory/{}/contract.yaml", setup.task.id),
                     "the contract changed during this run; run again to use the new contract"});
  }
  std::vector<contract::PathChange> paths;
  for (const auto& change : changes) {
    contract::PathChange path{change.path, change.kind, std::nullopt};
    fs::path file = fs::path(setup.task.workspace) / change.path;
    std::error_code ec;
    if (change.kind != 'D' && fs::is_symlink(file, ec)) {
      path.symlink_target = fs::read_symlink(file, ec).string();
    }
    paths.push_back(std::move(path));
  }
  contract::resolve_symlinks_on_disk(paths, setup.task.workspace);
  auto outside = contract::check_boundaries(setup.contract.boundaries, paths);
  found.insert(found.end(), outside.begin(), outside.end());
  return found;
}

// The second line of defence: the hook can be skipped (--no-verify) and jj runs none, so
// factory's own commits check the change themselves.
std::vector<contract::Violation> Engine::boundary_violations(
    const std::vector<vcs::FileChange>& changes) {
  return task_boundary_violations(m_setup, changes);
}

void Engine::record_blocked(Cycle& cycle, const std::vector<contract::Violation>& blocked) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& v : blocked) files.push_back({{"path", v.path}, {"reason", v.reason}});
  m_deps.store.append_event(m_setup.task.id, cycle.run.id, cycle.actor, "boundary_blocked",
                            core::json_text(nlohmann::json{{"files", files}}));
}

void Engine::apply_required(StageReport& report) const {
  auto it = m_setup.contract.stages.find(report.stage);
  if (report.outcome != Outcome::skipped || it == m_setup.contract.stages.end() ||
      !it->second.required) {
    return;
  }
  report.outcome = Outcome::failed;
  report.detail = fmt::format("required by the contract, but skipped ({})", report.detail);
  if (report.hint.empty()) {
    report.hint = fmt::format(
        "configure the stage, or drop 'required' from stages.{} in the "
        "contract",
        core::stage_name(report.stage));
  }
}

}  // namespace factory::pipeline
