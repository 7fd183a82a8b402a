#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/stage.hpp"

namespace factory::core {

// Which paths a task may change (gitignore-style globs; a leading '!' negates an earlier match
// in the same list). Forbidden wins over allowed; `.factory/**` is always forbidden.
struct Boundaries {
  std::vector<std::string> allowed_files{"**"};  // an empty list allows nothing
  std::vector<std::string> forbidden_files;

  bool operator==(const Boundaries&) const = default;  // field by field
};

// Size limits the review stage enforces.
struct Limits {
  std::optional<int> max_lines_changed;  // added + removed lines since the task's base
  std::optional<int> new_dependencies;   // dependencies the task may add (0 = none)

  bool operator==(const Limits&) const = default;  // field by field
};

// How a red stage is handled; the defaults come from core::default_tcr.
struct TcrBehavior {
  bool enabled = true;
  std::string restore_to = "last_green";  // the only restore point there is today
  std::string reason;                     // why TCR is off, when it is

  bool operator==(const TcrBehavior&) const = default;  // field by field
};

// A per-task override of one stage; `required` turns SKIPPED into a failure.
struct ContractStage {
  std::optional<std::string> command;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<int> retries;
  bool required = false;

  bool operator==(const ContractStage&) const = default;  // field by field
};

// One acceptance check the accept stage runs, reported by name.
struct AcceptanceCheck {
  enum class Kind { file_exists, file_matches, command };
  std::string name;
  Kind kind = Kind::file_exists;
  std::string path;                          // file_exists, file_matches: workspace-relative
  std::string pattern;                       // file_matches: PCRE2 regex searched in the file
  std::string command;                       // command: run via /bin/sh -c in the workspace
  int expect_exit = 0;                       // command
  std::optional<std::string> expect_stdout;  // command: regex searched in stdout
  std::optional<std::chrono::milliseconds> timeout;  // command; default 10 minutes

  bool operator==(const AcceptanceCheck&) const = default;  // field by field
};

// What the coverage stage and approve demand of the task's tests (contract `coverage:`).
// Unset thresholds fall back to .factory.toml's [coverage] min / min_patch.
struct CoverageRules {
  std::optional<int> min_percent;        // whole-report line coverage, 0..100
  std::optional<int> min_patch_percent;  // coverage of the lines changed since the task's base
  // Globs (gitignore-style) and function names (written with a trailing "()", e.g.
  // "charge_card()" or "(*Limiter).Allow()"): every changed line in them must be covered.
  std::vector<std::string> critical_paths;

  bool operator==(const CoverageRules&) const = default;  // field by field
};

// A test the task must have and pass, added from an incident (`factory incident add`).
struct TestRequirement {
  int64_t incident = 0;            // the incident id it came from (0 = written by hand)
  std::string test;                // the test id as the template's runner names it
  std::vector<std::string> paths;  // globs it applies to; empty = every task
  std::string reason;              // the incident's root cause

  bool operator==(const TestRequirement&) const = default;  // field by field
};

// .factory/<task>/contract.yaml: what a task may do and what it must prove.
struct Contract {
  std::string task;
  std::string description;  // free text (from --from)
  std::string source;       // where the description came from: a file path or a beads id
  Boundaries boundaries;
  Limits limits;
  std::map<Stage, TcrBehavior> tcr_behavior;  // only the stages the file names
  std::map<Stage, ContractStage> stages;      // only the stages the file names
  std::vector<AcceptanceCheck> acceptance;
  std::vector<std::string> approvers;  // empty = anyone may approve
  CoverageRules coverage;
  std::vector<TestRequirement> requirements;

  bool operator==(const Contract&) const = default;  // field by field
};

// The TCR behaviour of a stage under a contract: the file's entry, else the default.
TcrBehavior tcr_behavior_for(const Contract& contract, Stage stage);

}  // namespace factory::core
