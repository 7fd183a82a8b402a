#pragma once

#include <toml++/toml.h>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace factory::extract {

// What a pattern does, in the spirit of Vim's errorformat (%E/%C/%Z, %-G, %P).
enum class PatternKind {
  single,  // a one-line finding
  start,   // opens a multi-line finding (%E)
  cont,    // adds to the open finding of its group (%C): location, message, context
  frame,   // a stack frame of the open finding: file/line candidates ("frames" picks one)
  end,     // closes the open finding of its group (%Z), adding what it captures
  ignore,  // a line that is never a finding (%-G): "In file included from ..."
  header,  // names the file for the findings that follow it (%P): eslint's stylish output
  passed,  // a test passed ("--- PASS: TestX"): the notes held for it are no findings
};

// Which frame of a multi-line finding gives its location.
enum class FramePick { none, first, last };

// One line pattern, as written in formats/*.toml or [[extract.patterns]] in .factory.toml.
// The regex is RE2 syntax, matched against one line (no newline), with optional named
// groups: file, line, col, severity, message, code, test.
struct PatternSpec {
  std::string tool;   // reported as Finding::tool
  std::string group;  // patterns of one multi-line format share it; default: tool
  PatternKind kind = PatternKind::single;
  std::string regex;
  std::string severity;  // when the regex has no severity group; default "error"
  std::string message;   // when the regex has no message group ("not gofmt-formatted")
  int priority = 0;      // added to relevance: negative for lines caused by other errors
  FramePick frames = FramePick::none;  // start only
  std::string origin;  // "formats/gcc.toml:12" or ".factory.toml:40:1", for error messages
};

// Parses one formats/*.toml document ([[pattern]] tables). Throws core::Error naming
// origin:line:col and the key when a key is unknown, a value has the wrong type or a regex
// does not compile.
std::vector<PatternSpec> parse_patterns(std::string_view toml_text, std::string_view origin);

// One pattern table entry (a [[pattern]] or [[extract.patterns]] table). `key` is its key path
// for messages ("pattern[3]", "extract.patterns[0]"). Throws like parse_patterns.
PatternSpec pattern_from_toml(const toml::table& entry, std::string_view source,
                              const std::string& key);

// The regex with `(?<name>` spelled the way RE2 wants it (`(?P<name>`).
std::string re2_syntax(std::string_view regex);

// The built-in table: every embedded formats/*.toml, specific formats before "generic".
const std::vector<PatternSpec>& builtin_patterns();

}  // namespace factory::extract
