#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace factory::lang {

// One dependency a manifest declares: the 1-based line and the package/module name there.
struct Dependency {
  int line = 0;
  std::string name;  // e.g. "requests", "github.com/a/b", "serde", "fmt" (CMake package)

  bool operator==(const Dependency&) const = default;  // field by field
};

// Whether a file (by its path) is a dependency manifest factory can read: requirements*.txt,
// pyproject.toml, go.mod, Cargo.toml, package.json, CMakeLists.txt and *.cmake (find_package).
bool is_dependency_manifest(std::string_view path);

// Each line of a manifest's text that declares one dependency, with its name: a requirement
// line, a go.mod require line, a Cargo.toml entry under a [*dependencies] table, a package.json
// entry inside a "*dependencies" object, a pyproject.toml dependency list item or Poetry table
// entry, a CMake find_package call. Review and readiness count the added ones.
std::vector<Dependency> declared_dependencies(std::string_view path, std::string_view text);

// The line numbers of declared_dependencies, in order.
std::vector<int> dependency_lines(std::string_view path, std::string_view text);

}  // namespace factory::lang
