#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lang/dependencies.hpp"

// The TOML manifests, read with toml++ (their values span lines, nest in tables and inline
// tables, and hide in multi-line strings: a line scanner would guess). Text that is not valid
// TOML declares nothing. Only lang/dependencies.cpp includes this.
namespace factory::lang::detail {

// The project name a PEP 508 requirement string starts with ("requests[socks]>=2" -> requests);
// empty for a URL or a path.
std::string pep508_name(const std::string& requirement);

// pyproject.toml: the PEP 508 strings of [project] dependencies, every list of
// [project.optional-dependencies] and [dependency-groups], and the keys of Poetry's dependency
// tables (tool.poetry, tool.poetry.group.<g>; not `python`), in file order.
std::vector<Dependency> pyproject_dependencies(std::string_view text);

// Cargo.toml: the keys of [dependencies], [dev-dependencies], [build-dependencies], the same
// under [target.<cfg>] and [workspace.dependencies], in file order.
std::vector<Dependency> cargo_dependencies(std::string_view text);

}  // namespace factory::lang::detail
