#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace factory::extract {

// How bad a finding is; the order is the relevance order (error first).
enum class Severity { error, warning, info, note };

// "error", "warning", "info", "note".
std::string_view severity_name(Severity severity);
// Maps a tool's word for severity ("fatal error", "E", "HIGH", "warn", "help", ...) onto ours;
// nullopt for a word it does not know.
std::optional<Severity> severity_from_word(std::string_view word);

// One problem a tool reported, located as precisely as the log allows.
struct Finding {
  std::string tool;  // "gcc", "pytest", "generic", ...
  Severity severity = Severity::error;
  std::string file;                  // as written in the log (may be empty)
  int line = 0;                      // 1-based; 0 when the log gives none
  int column = 0;                    // 1-based; 0 when the log gives none
  std::string message;               // first line is the headline
  std::string code;                  // E0308, F401, TS2345, B404, -Wunused-variable
  std::vector<std::string> context;  // log lines around it (5-10), ANSI stripped
  std::string test;                  // the failing test's name, when the tool names one
  uint64_t log_line = 0;             // 1-based line of the log where it starts
  int priority = 0;                  // from the format: negative for lines caused by others
  bool project_frame = true;         // false: its location is in a library / the toolchain
};

// "file:line:column" as the log wrote them, leaving out what is unknown; "" without a file.
std::string where(std::string_view file, int line, int column);
// The same for a finding.
std::string where(const Finding& finding);
// The first line of a message: what one line of output shows of it.
std::string_view headline(std::string_view message);

// The result of reading one log.
struct Extraction {
  std::vector<Finding> findings;        // most relevant first
  std::string summary;                  // one paragraph
  std::vector<std::string> last_lines;  // the log's last 10 lines, for "no error recognised"
  uint64_t lines = 0;                   // lines read
  uint64_t bytes = 0;                   // bytes read
};

}  // namespace factory::extract
