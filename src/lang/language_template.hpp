#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stage.hpp"

namespace factory::lang {

// unit-test only: how one test the contract requires (core::TestRequirement) runs on its own.
// A test is missing when the exit code is in missing_exit, the output matches missing_output, or
// ran_output is set and the output does not match it; else exit 0 passes and anything else fails.
struct RunTest {
  std::string command;            // "{test}" becomes the test id as one sh word; "" = cannot
  std::vector<int> missing_exit;  // exit codes that mean "no such test" (pytest: 4, 5)
  std::string missing_output;     // ECMAScript regex, multiline: "no such test" when it matches
  std::string ran_output;         // ECMAScript regex, multiline: "no such test" when it does not
};

// How one stage runs for a language.
struct StageSpec {
  core::Stage stage = core::Stage::tdd_setup;
  std::string command;       // run via /bin/sh -c in the workspace; "" = not configured
  std::string builtin;       // a check factory runs itself instead of a command ("review")
  std::string tool;          // the tool named when it is missing ("pytest")
  std::string probe;         // shell command; a non-zero exit means the tool is missing
  std::string install_hint;  // how to install the tool
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  int retries = 0;
  // tdd-setup only: red = exit code in red_exit AND output matching red_output (ECMAScript regex).
  std::vector<int> red_exit;
  std::string red_output;
  // coverage only: regex whose first group is the total percentage; the last match counts.
  std::string coverage_pattern;
  // coverage only: the report file the command writes ($FACTORY_CACHE is expanded) and its
  // format (lcov | cobertura | go), read for per-file, patch and critical-path coverage.
  std::string coverage_report;
  std::string coverage_format;
  RunTest run_test;  // unit-test only
};

// A language template (templates/<name>.yaml).
struct LanguageTemplate {
  std::string name;                     // "python"
  std::string display;                  // "Python"
  std::vector<std::string> markers;     // files whose presence selects this language
  std::vector<std::string> test_globs;  // which changed files are tests
  std::vector<std::string> byproducts;  // ignore patterns for what the tools leave behind
  std::vector<std::pair<std::string, std::string>> env;  // set for every stage command
  std::vector<std::string> debug_patterns;               // regexes review flags in added lines
  std::map<core::Stage, StageSpec> stages;               // all ten
};

// Parses a template; errors name `source`, line and column (usage Error).
LanguageTemplate parse_template(std::string_view yaml, std::string_view source);

// The embedded template for a language; throws a usage Error listing the known ones.
const LanguageTemplate& template_for(std::string_view language);

// Names of all embedded templates, sorted.
std::vector<std::string> known_languages();

}  // namespace factory::lang
