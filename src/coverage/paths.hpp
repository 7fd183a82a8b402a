#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coverage/readers.hpp"

namespace factory::coverage {

// A report path with '\' turned into '/', "." and ".." segments folded and a leading "./"
// dropped (Windows tools and Lua's luacov write ".\scripts\x.lua").
std::string normalize_report_path(std::string_view path);

// Go modules under a root: (module path, its folder relative to the root), longest first.
using GoModules = std::vector<std::pair<std::string, std::string>>;

// The module line of each go.mod under `root` (the root's own and nested ones; vendor/,
// testdata/, node_modules/ and hidden folders skipped; a bounded walk).
GoModules find_go_modules(const std::filesystem::path& root);

// Maps the paths a report names onto the workspace (docs/COVERAGE.md "Path mapping").
class PathMapper {
 public:
  explicit PathMapper(const ReadOptions& options);

  // Cobertura <source> roots, tried in order before the path on its own.
  void set_source_roots(const std::vector<std::string>& roots);
  // Go: import paths are mapped through the go.mod files under the root.
  void use_go_modules();

  // The repository-relative path for a report path; nullopt when it is outside the workspace
  // or (with require_existing) names no file there.
  std::optional<std::string> map(std::string_view report_path) const;

  // The absolute file for a repository-relative path; empty without a root.
  std::filesystem::path source_file(const std::string& relative) const;

 private:
  std::optional<std::string> relativize(const std::string& absolute) const;
  std::optional<std::string> accept(const std::string& relative) const;
  std::optional<std::string> via_go_module(const std::string& path) const;

  std::filesystem::path m_root;            // absolute, lexically normal
  std::filesystem::path m_canonical_root;  // symlinks resolved
  std::string m_base;                      // ReadOptions::base_dir, absolute; empty = the root
  bool m_require_existing = true;
  std::vector<std::string> m_sources;
  GoModules m_modules;
};

}  // namespace factory::coverage
