#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/project_config.hpp"
#include "contract/boundary.hpp"
#include "core/clock.hpp"
#include "core/contract.hpp"
#include "core/process.hpp"
#include "core/stage.hpp"
#include "lang/language_template.hpp"
#include "pipeline/observer.hpp"
#include "store/store.hpp"
#include "vcs/vcs.hpp"

namespace factory::pipeline {

namespace fs = std::filesystem;

// What to run in one TCR cycle.
struct RunOptions {
  std::vector<core::Stage> stages;  // in pipeline order
  bool resume = false;              // skip stages green on the current tree
  bool force_tdd = false;           // re-run tdd-setup even when red was confirmed
  std::string actor;
};

// How a cycle ended.
struct RunSummary {
  int run_number = 0;
  std::string status;                        // passed | failed | blocked | interrupted
  std::optional<core::Stage> failed_stage;   // the stage it stopped at
  std::vector<contract::Violation> blocked;  // status blocked: why nothing was committed
  bool ready_for_decision = false;
  std::string commit_id;  // the cycle's commit, if one was made
  int stages_run = 0;
};

// The services and settings one task's cycle works with.
struct EngineDeps {
  vcs::Vcs& vcs;
  core::ProcessRunner& runner;
  store::Store& store;
  const core::Clock& clock;
  Observer& observer;
};

// Everything known about the task being run.
struct TaskSetup {
  store::TaskRow task;
  lang::LanguageTemplate tmpl;  // effective: overrides applied
  config::ProjectConfig config;
  fs::path logs_dir;   // .factory/logs/<task>
  fs::path cache_dir;  // .factory/cache/<task>: $FACTORY_CACHE for stage commands
  core::Contract contract;
  fs::path contract_file;     // "" when there is no file to re-check (engine unit tests)
  std::string contract_text;  // the file as loaded, to notice an edit during the run
};

// Runs stages of one task with Test && Commit || Revert discipline (DESIGN.md §3).
class Engine {
 public:
  Engine(EngineDeps deps, TaskSetup setup);

  // Runs one cycle. A red stage is a result (status failed), not an exception.
  RunSummary run(const RunOptions& options);

  // Prints, through the observer, each stage's command and TCR behaviour; changes nothing.
  void dry_run(const std::vector<core::Stage>& stages);

 private:
  struct Cycle;
  StageReport run_stage(core::Stage stage, Cycle& cycle, const RunOptions& options);
  StageReport run_tdd_setup(Cycle& cycle, const RunOptions& options);
  StageReport run_command_stage(core::Stage stage, Cycle& cycle);
  StageReport run_review(Cycle& cycle);
  // The coverage gate after the coverage command passed (pipeline/coverage_gate.cpp).
  void check_coverage(Cycle& cycle, StageReport& report, const lang::StageSpec& spec,
                      const std::string& output);
  void check_total(StageReport& report, const lang::StageSpec& spec, const std::string& output,
                   double min, const std::string& why);
  void record(Cycle& cycle, const StageReport& report);
  void revert(Cycle& cycle, StageReport& report);
  core::ProcessResult execute(core::Stage stage, const std::string& command, Cycle& cycle,
                              StageReport& report);
  // Reads a red stage's log into report.extraction; never throws, since a finding is a reading
  // aid and must not change how the run ends.
  void extract_root_cause(StageReport& report) const;
  std::optional<std::string> missing_tool(const lang::StageSpec& spec);
  // Commits the cycle's change into report.commit_id (none when there is nothing to commit),
  // or fills report.blocked when the change leaves the contract.
  void commit_cycle(Cycle& cycle, const RunOptions& options, StageReport& report);
  // Records a blocked commit as an event.
  void record_blocked(Cycle& cycle, const std::vector<contract::Violation>& blocked);
  void finish(Cycle& cycle, RunSummary& summary, const RunOptions& options);
  bool is_tcr(core::Stage stage) const;
  // Checks what is about to be committed against the contract: the boundaries, and that the
  // contract file itself is unchanged since the run loaded it.
  std::vector<contract::Violation> boundary_violations(const std::vector<vcs::FileChange>& changes);
  // Runs the contract's acceptance checks after the accept command; fills report.checks.
  void run_acceptance(Cycle& cycle, StageReport& report);
  // A SKIPPED stage the contract marks required becomes a failure.
  void apply_required(StageReport& report) const;
  bool ready_on_tree(const std::string& tree_id) const;
  std::vector<std::pair<std::string, std::string>> stage_env(core::Stage stage) const;

  EngineDeps m_deps;
  TaskSetup m_setup;
};

}  // namespace factory::pipeline

namespace factory::pipeline {

struct Repo;

// Gathers the effective template, config and log/cache folders for a task of `repo`.
TaskSetup task_setup(const Repo& repo, const store::TaskRow& task);

}  // namespace factory::pipeline
