#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/contract.hpp"

namespace factory::config {

// `.factory/<task>/contract.yaml` under the main worktree root.
std::filesystem::path contract_path(const std::filesystem::path& main_root,
                                    const std::string& task);

// Parses and validates contract text. Errors are usage Errors
// "<source>:<line>:<col>: <what> (key <path>)" with a hint: YAML syntax, unknown keys, wrong
// types, bad globs, bad regexes, unknown stages, TCR switched on for tdd-setup or accept.
core::Contract parse_contract(std::string_view text, const std::string& source);

// Loads and validates the file; a missing file is a usage Error naming it.
core::Contract load_contract(const std::filesystem::path& file);

// The YAML `factory new` writes: every section present, with short comments, so a person can
// edit it; parse_contract(render_contract(c)) gives back c.
std::string render_contract(const core::Contract& contract);

}  // namespace factory::config
