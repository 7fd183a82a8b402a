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

// Each dependency a manifest's text declares, with its name and line: a requirement line
// (an `#egg=` name for URLs; options, includes and local paths name nothing), a go.mod require
// line, a Cargo.toml entry under a [*dependencies] table (or a [dependencies.<name>] table), a
// package.json key inside a "*dependencies" object, a pyproject.toml PEP 508 string of
// [project] dependencies, [project.optional-dependencies] or [dependency-groups], a Poetry
// dependency table entry (tool.poetry, its groups; not `python`), a CMake find_package call.
// A line may declare more than one (`dev = ["pytest", "black"]`).
std::vector<Dependency> declared_dependencies(std::string_view path, std::string_view text);

// The line numbers of declared_dependencies, in order, each once.
std::vector<int> dependency_lines(std::string_view path, std::string_view text);

// A dependency name as its package index compares names, so a respelling is no new dependency:
// Python (PEP 503) lower case with runs of - _ . as one -, Cargo lower case with _ as -, the
// others as written.
std::string comparable_name(std::string_view path, std::string_view name);

// The dependencies the manifest `path` declares in `after` whose names it did not declare in
// `before` (a version bump or a moved line is not new), each name once at its first line.
std::vector<Dependency> added_dependencies(std::string_view path, std::string_view before,
                                           std::string_view after);

}  // namespace factory::lang
