#pragma once

#include <string_view>
#include <vector>

namespace factory::lang {

// Whether a file (by its path) is a dependency manifest factory can read: requirements*.txt,
// pyproject.toml, go.mod, Cargo.toml, package.json.
bool is_dependency_manifest(std::string_view path);

// The 1-based line numbers of a manifest's text that each declare one dependency: a requirement
// line, a go.mod require line, a Cargo.toml entry under a [*dependencies] table, a package.json
// entry inside a "*dependencies" object, a pyproject.toml dependency list item or Poetry table
// entry. Review counts the added ones against limits.new_dependencies.
std::vector<int> dependency_lines(std::string_view path, std::string_view text);

}  // namespace factory::lang
