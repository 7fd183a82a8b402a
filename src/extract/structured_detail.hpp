#pragma once

// Internals shared by the structured adapters (structured*.cpp); not part of the interface.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/finding.hpp"

namespace factory::extract::detail {

// Context lines taken from a structured field: at most this many per finding.
inline constexpr size_t k_context_lines = 10;

// SARIF or a GCC diagnostics array as one JSON document; nullopt for any other text.
std::optional<std::vector<Finding>> parse_json_document(std::string_view text);

// JUnit XML (<testsuites>/<testsuite> root); nullopt for any other text.
std::optional<std::vector<Finding>> parse_junit(std::string_view text);

// Splits text into lines cleaned like a log (ANSI removed, CR handled), without the trailing
// blank lines.
std::vector<std::string> split_lines(std::string_view text);

}  // namespace factory::extract::detail
