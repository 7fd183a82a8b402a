#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "coverage/paths.hpp"
#include "coverage/report.hpp"

namespace factory::coverage {

// The per-format parsers behind parse_report. Each maps paths with `mapper`, puts unmapped
// ones in Report::outside and throws core::Error(usage) naming "name:line".
Report parse_lcov(std::string_view text, const std::string& name, const PathMapper& mapper);
Report parse_cobertura(std::string_view text, const std::string& name, PathMapper& mapper);
Report parse_go_profile(std::string_view text, const std::string& name, const PathMapper& mapper);

// Throws core::Error(usage) "where: what" with `hint`.
[[noreturn]] void bad_report(const std::string& where, const std::string& what,
                             const std::string& hint);

// Adds `path` to report.outside once.
void note_outside(Report& report, std::string_view path);

// How many lines the source file of a repository-relative path has; nullopt when it cannot
// be read (no root, missing, too large).
std::optional<int> source_line_count(const PathMapper& mapper, const std::string& path);

// A decimal integer of the whole of `text` (no sign unless allow_negative); nullopt otherwise.
std::optional<long long> parse_integer(std::string_view text, bool allow_negative = false);

}  // namespace factory::coverage
