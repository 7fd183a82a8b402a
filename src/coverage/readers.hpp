#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "coverage/diff.hpp"
#include "coverage/report.hpp"

namespace factory::coverage {

// How report paths are mapped onto the workspace (docs/COVERAGE.md "Path mapping").
struct ReadOptions {
  // The workspace root. Report paths become relative to it; absolute paths inside it are
  // relativised; paths outside it, or naming no file in it, go to Report::outside. Empty: paths
  // are only normalised (no workspace to check against), as the fixture tests do.
  std::filesystem::path repo_root;
  // Whether a path must name an existing file under repo_root to count. Off for reports read
  // away from their workspace (fixtures, a report from another machine): then a path inside
  // repo_root, or any relative path, counts.
  bool require_existing = true;
  // The folder relative report paths are relative to, when not repo_root (a coverage run in
  // a sub-project writes paths relative to it). Absolute, or relative to the current folder.
  std::filesystem::path base_dir{};
};

// Reads and parses a report file; throws core::Error(usage) naming file:line on bad input
// (unreadable, empty, truncated, malformed).
Report read_report(const std::filesystem::path& file, Format format, const ReadOptions& options);

// Fills report.unreported: for each file with changed lines that the report does not name, the
// functions derived from its source under options.repo_root (Python, Go, C and C++).
void add_unreported_sources(Report& report, const ChangedLines& changed,
                            const ReadOptions& options);

// Parses report text; `source_name` names it in errors ("coverage.info:12: ...").
Report parse_report(std::string_view text, Format format, const std::string& source_name,
                    const ReadOptions& options);

// The format a report's first bytes show: lcov ("TN:"/"SF:"), Cobertura (XML with a
// <coverage element) or a Go coverprofile ("mode: "); nullopt when none fits.
std::optional<Format> detect_format(std::string_view head);

// detect_format on the start of a file; throws core::Error(usage) when it is unreadable or
// in no known format (the hint names --format).
Format detect_file_format(const std::filesystem::path& file);

}  // namespace factory::coverage
