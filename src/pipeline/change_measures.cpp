#include "pipeline/change_measures.hpp"

#include <algorithm>

#include "config/text_file.hpp"
#include "lang/dependencies.hpp"

namespace factory::pipeline {

long long lines_changed(const std::vector<vcs::FileChange>& changes) {
  long long lines = 0;
  for (const auto& change : changes) {
    lines += std::max(change.added_lines, 0) + std::max(change.removed_lines, 0);
  }
  return lines;
}

std::vector<core::NewDependency> new_dependencies(vcs::Vcs& vcs,
                                                  const std::filesystem::path& workspace,
                                                  const std::string& base_commit,
                                                  const std::vector<vcs::AddedLines>& added) {
  std::vector<core::NewDependency> found;
  for (const auto& file : added) {
    if (!lang::is_dependency_manifest(file.path)) continue;
    // Whole manifests on both sides, not the diff's lines: whether a line declares a dependency
    // depends on its section, and a changed line only bumps a version when the base already
    // declared its name.
    auto now = config::try_read_text_file(workspace / file.path).value_or("");
    auto before = vcs.file_at(workspace, base_commit, file.path).value_or("");
    for (auto& d : lang::added_dependencies(file.path, before, now)) {
      found.push_back({file.path, d.line, std::move(d.name)});
    }
  }
  return found;
}

}  // namespace factory::pipeline
