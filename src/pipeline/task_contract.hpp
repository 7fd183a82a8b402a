#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/contract.hpp"
#include "core/process.hpp"
#include "pipeline/task_context.hpp"

namespace factory::pipeline {

// What `factory new` puts into a task's contract.
struct ContractOptions {
  std::optional<std::vector<std::string>> allow;  // --allow: replaces allowed_files
  std::vector<std::string> forbid;                // --forbid: added to forbidden_files
  std::string from;                               // --from FILE | beads id: the description
  std::string contract_file;                      // --contract FILE: the starting contract
};

// The contract a new task starts with: --contract FILE, else an existing
// .factory/<task>/contract.yaml, else the default (everything allowed), with --allow, --forbid and
// --from applied. Usage Error for a bad glob or an unreadable source; runs `bd show` for a beads
// id.
core::Contract initial_contract(const Repo& repo, const std::string& task,
                                const ContractOptions& options, core::ProcessRunner& runner);

// Writes the contract to .factory/<task>/contract.yaml; returns the file.
std::filesystem::path write_contract(const Repo& repo, const core::Contract& contract);

// Warnings for globs in the boundaries that match no file in `workspace` yet (fine for files the
// task will create, but often a typo).
std::vector<std::string> unmatched_glob_warnings(const core::Contract& contract,
                                                 const std::filesystem::path& workspace);

}  // namespace factory::pipeline
