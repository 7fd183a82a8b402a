#pragma once

#include <optional>
#include <string>
#include <vector>

#include "contract/boundary.hpp"
#include "core/process.hpp"
#include "core/readiness.hpp"
#include "core/stage.hpp"
#include "extract/finding.hpp"
#include "vcs/vcs.hpp"

namespace factory::pipeline {

// How a stage's result came about, beyond its outcome.
enum class StageNote {
  ran,                    // the command (or built-in check) ran
  green_on_tree,          // --resume: already green on this tree, not re-run
  red_already_confirmed,  // tdd-setup confirmed earlier in this task
  tool_missing,           // SKIPPED: the template's probe failed
  no_command,             // SKIPPED: nothing configured for this language
  tdd_disabled,           // SKIPPED: task created with --no-tdd
};

// Everything the presentation needs about one finished stage.
struct StageReport {
  core::Stage stage = core::Stage::tdd_setup;
  core::Outcome outcome = core::Outcome::passed;
  StageNote note = StageNote::ran;
  std::string command;
  long long duration_ms = 0;
  int exit_code = 0;
  bool timed_out = false;
  int attempts = 1;
  std::string detail;  // one line: "red confirmed: ...", "coverage 87% (min 80)", skip reason
  std::string hint;    // install hint for a missing tool, next step for a failure
  std::string snapshot_commit;            // tdd-setup snapshot
  std::string commit_id;                  // the cycle commit made right after this stage
  std::vector<vcs::FileChange> reverted;  // files a revert restored or removed
  std::string saved_ref;                  // where the reverted change was kept
  std::string patch_file;
  std::string log_path;
  std::string output_tail;                           // the end of the output, for a failure
  long long when_ms = 0;                             // red_already_confirmed: when
  std::vector<std::pair<bool, std::string>> checks;  // accept: (passed, "name: why") per check
  std::vector<contract::Violation> blocked;          // files outside the contract: not committed
  // A red stage's log read by the extractor (failed or timed out, not skipped, blocked or
  // interrupted); unset when there was no log to read.
  std::optional<extract::Extraction> extraction;
};

// Receives the engine's progress; the CLI renders it, tests record it.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void stage_started(core::Stage stage, const std::string& command) = 0;
  virtual void stage_finished(const StageReport& report) = 0;
  virtual void committed(const std::string& commit_id, const std::string& subject) = 0;
  // A line of information that is not a stage result (e.g. dry-run plans).
  virtual void note(const std::string& line) = 0;
  // The readiness metrics measured when the task became ready_for_decision (the dashboard).
  virtual void readiness(const core::Readiness& readiness) { (void)readiness; }
  // Readiness could not be measured; the run's outcome stands.
  virtual void readiness_unmeasured(const std::string& why) {
    note("readiness not measured: " + why);
  }
};

}  // namespace factory::pipeline
