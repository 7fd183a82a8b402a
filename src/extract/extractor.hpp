#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "extract/finding.hpp"
#include "extract/pattern_table.hpp"

namespace factory::extract {

// How to read a log.
struct Options {
  // The workspace the log came from. Empty: no repository, so a frame counts as project code
  // unless it lies under a standard library, site-/dist-packages, GOROOT, the cargo registry
  // or /rustc/.
  std::filesystem::path root;
  // Patterns from .factory.toml ([[extract.patterns]]); tried before the built-in ones.
  std::vector<PatternSpec> user_patterns;
  size_t max_findings = 200;  // the least relevant are dropped beyond this
};

// Reads a log file once, in bounded memory, whatever its size. Throws core::Error when the
// file cannot be opened or read.
Extraction extract_file(const std::filesystem::path& log, const Options& options);
// Reads from a file descriptor (stdin) until EOF; `name` is for the error when a read fails.
Extraction extract_fd(int fd, const Options& options, std::string_view name = "standard input");
// For tests and short outputs already in memory.
Extraction extract_text(std::string_view text, const Options& options);

}  // namespace factory::extract
