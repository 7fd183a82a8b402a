#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contract/boundary.hpp"
#include "core/contract.hpp"

namespace factory::contract {

// A path as it is safe to print on one line: control characters, quotes and backslashes are
// C-escaped and the result quoted, the way git quotes unusual names; plain names stay as they are.
std::string display_path(std::string_view path);

// The message for changes outside a contract, one line per blocked path
// ("✗ BLOCKED: <task> cannot modify <file> (<reason>)"), then the allowed and forbidden globs and
// how to change the contract. Shared by the pre-commit hook and factory's own commit step.
std::string blocked_message(const std::string& task, const std::vector<Violation>& violations,
                            const core::Boundaries& boundaries);

}  // namespace factory::contract
