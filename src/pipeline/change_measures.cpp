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

std::vector<core::NewDependency> new_dependencies(const std::filesystem::path& workspace,
                                                  const std::vector<vcs::AddedLines>& added) {
  std::vector<core::NewDependency> found;
  for (const auto& file : added) {
    if (!lang::is_dependency_manifest(file.path)) continue;
    // The whole manifest, since whether a line declares a dependency depends on its section.
    auto text = config::try_read_text_file(workspace / file.path).value_or("");
    auto declared = lang::declared_dependencies(file.path, text);
    for (const auto& [number, line] : file.lines) {
      auto it = std::find_if(declared.begin(), declared.end(),
                             [n = number](const lang::Dependency& d) { return d.line == n; });
      if (it != declared.end()) found.push_back({file.path, number, it->name});
    }
  }
  return found;
}

}  // namespace factory::pipeline
