#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/contract.hpp"
#include "core/process.hpp"
#include "lang/language_template.hpp"
#include "pipeline/observer.hpp"
#include "store/store.hpp"

namespace factory::pipeline {

// What running a contract's required tests needs from the engine (docs/INCIDENTS.md).
struct RequirementRun {
  core::ProcessRunner& runner;
  store::Store& store;
  const store::TaskRow& task;
  const lang::StageSpec& spec;  // the unit-test stage: run_test, timeout, retries
  std::vector<std::pair<std::string, std::string>> env;  // the stage's environment
  std::filesystem::path log_dir;                         // the run's log folder
  int64_t run_id = 0;
  std::string actor;  // who started the run
};

// After a green unit-test command: runs each required test on its own through the template's
// run_test. One that is missing, red or cannot be run turns the stage red (TCR reverts as for any
// red stage), named with its incident in report.detail; each requirement gets a line in
// report.checks, and a missing or red test of an incident is recorded as 'caught'.
void check_requirements(const RequirementRun& run,
                        const std::vector<core::TestRequirement>& requirements,
                        StageReport& report);

// A SKIPPED unit-test stage ran none of the required tests: with any, it becomes a failure.
void requirements_not_run(const std::vector<core::TestRequirement>& requirements,
                          StageReport& report);

// run_test's command with every {test} replaced by the test id as one single-quoted sh word.
std::string run_test_command(const std::string& command, const std::string& test);

// "tests/test_pay.py::test_refund_twice (incident 3: double refund)", or just the test id for a
// requirement written by hand.
std::string describe(const core::TestRequirement& requirement);

}  // namespace factory::pipeline
