#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "coverage/diff.hpp"
#include "coverage/report.hpp"

namespace factory::coverage {

// What the gate demands (contract `coverage:` / .factory.toml [coverage]).
struct Rules {
  std::optional<double> min_percent;        // whole-report line coverage
  std::optional<double> min_patch_percent;  // coverage of the changed, measured lines
  // Gitignore-style globs (core::glob_match), or function names with a trailing "()": a name
  // matches a report function whose name is equal, or whose last component after '.' or '::'
  // is equal ("Allow()" matches "(*Limiter).Allow"; "(*Limiter).Allow()" only that method).
  std::vector<std::string> critical_paths;
};

// One file of the report, with its share of the patch.
struct FileResult {
  std::string path;
  int covered = 0;
  int measured = 0;
  std::optional<double> percent;
  int patch_covered = 0;   // changed lines that are measured and ran
  int patch_measured = 0;  // changed lines the report measures
  std::optional<double> patch_percent;
  std::vector<int> uncovered_changed;  // changed, measured lines that never ran, ascending
};

// One function of the report (read from it, or derived from the source, see COVERAGE.md).
struct FunctionResult {
  std::string path;
  std::string name;
  int first_line = 0;
  int last_line = 0;  // 0 = unknown
  bool hit = false;   // the function ran at least once
  int covered = 0;    // measured lines in [first_line, last_line] that ran
  int measured = 0;
  std::optional<double> percent;  // nullopt when the range or its lines are unknown
};

// One critical item: a file matched by a critical glob, or a critical function, that has
// changed lines. Covered when every changed, measured line in it ran (and a function ran).
struct CriticalItem {
  std::string rule;      // the critical_paths entry ("src/pay/**", "charge_card()")
  std::string path;      // the file
  std::string function;  // empty for a glob item
  int first_line = 0;    // function range (0 for a glob item)
  int last_line = 0;
  int changed_measured = 0;    // changed lines in it that the report measures
  std::vector<int> uncovered;  // of those, the ones that never ran, ascending
  bool never_ran = false;      // a function with changed lines that was never called
  bool not_measured = false;   // the item's file is one no test loaded (see COVERAGE.md)
  // A function rule that cannot be checked: it matches no function, and this changed file has
  // no function data to look in (no functions in the report, none derived from its source).
  bool unjudged = false;

  bool covered() const { return uncovered.empty() && !never_ran && !not_measured && !unjudged; }
};

// Everything the coverage gate and the dashboard show.
struct Analysis {
  int covered = 0;  // whole report, files in the workspace only
  int measured = 0;
  std::optional<double> percent;
  int patch_covered = 0;  // diff-cover semantics: changed lines the report measures
  int patch_measured = 0;
  std::optional<double> patch_percent;  // nullopt when no changed line is measured
  int changed_lines = 0;                // all changed lines in the diff, measured or not
  std::vector<FileResult> files;        // by path
  std::vector<FunctionResult> functions;
  std::vector<CriticalItem> critical;  // every critical item, covered or not
  int critical_total = 0;
  int critical_covered = 0;
  std::vector<std::string> outside;   // report paths not in the workspace (Report::outside)
  std::optional<double> min_percent;  // the rules the gate applied, for display
  std::optional<double> min_patch_percent;
  std::vector<std::string> recommendations;  // "add a test that runs charge_card (...)"
  std::vector<std::string> gate_failures;    // empty = the gate passes
  std::vector<std::string> warnings;         // critical rules that match nothing (a typo?)

  // Whether some critical item is uncovered (this blocks approval).
  bool critical_gap() const { return critical_covered < critical_total; }
  // Whether every gate passed.
  bool passed() const { return gate_failures.empty(); }
};

// Measures `report` against the changed lines and applies the rules.
Analysis analyze(const Report& report, const ChangedLines& changed, const Rules& rules);

// The analysis as one JSON document (stored by the pipeline, read by the dashboard; format in
// docs/COVERAGE.md).
nlohmann::json to_json(const Analysis& analysis);

// The inverse; throws std::runtime_error ("stored coverage analysis is damaged: ...") on a
// document it cannot read.
Analysis analysis_from_json(const nlohmann::json& json);

// A short text block for the stage output: overall, patch, critical, the uncovered critical
// lines and the recommendations; at most `max_lines` lines (the last says how many were cut).
std::string render_summary(const Analysis& analysis, int max_lines);

// The one-line stage result: "coverage 87% (min 80) · patch 66% (min 60) · critical 1/2",
// percentages rounded down like the readiness dashboard, thresholds as given.
std::string stage_line(const Analysis& analysis);

}  // namespace factory::coverage
