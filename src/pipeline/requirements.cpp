#include "pipeline/requirements.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "contract/hook_script.hpp"
#include "core/error.hpp"
#include "pipeline/output_tail.hpp"

// The unit-test stage's second half: the tests a task's contract requires (most from incidents,
// docs/INCIDENTS.md) each run on their own, so a required test that was deleted, renamed or never
// written fails the stage instead of passing unnoticed with the rest of the suite.
namespace factory::pipeline {

namespace fs = std::filesystem;

namespace {

// Room for a long test's whole output: ran_output looks for a line printed when it started.
constexpr size_t k_output_bytes = 4 * 1024 * 1024;

enum class Verdict { passed, missing, failed, no_runner, interrupted };

struct TestRun {
  Verdict verdict = Verdict::passed;
  std::string command;  // as run, so the failure shows how to run it again
  core::ProcessResult result;
  fs::path log;
};

bool found(const std::string& output, const std::string& pattern) {
  std::regex re(pattern, std::regex::ECMAScript | std::regex::multiline);
  return std::regex_search(output, re);
}

// Missing beats failed: pytest's exit 4 and ctest's "No tests were found" are not red tests.
// ran_output only speaks for a clean exit: a build that broke ran nothing, and that is a failure.
Verdict judge(const lang::RunTest& how, const core::ProcessResult& result) {
  if (result.interrupted) return Verdict::interrupted;
  if (result.timed_out) return Verdict::failed;
  const auto& missing = how.missing_exit;
  if (std::find(missing.begin(), missing.end(), result.exit_code) != missing.end()) {
    return Verdict::missing;
  }
  if (!how.missing_output.empty() && found(result.output, how.missing_output)) {
    return Verdict::missing;
  }
  if (result.exit_code != 0) return Verdict::failed;
  if (!how.ran_output.empty() && !found(result.output, how.ran_output)) return Verdict::missing;
  return Verdict::passed;
}

TestRun run_one(const RequirementRun& run, const core::TestRequirement& requirement, size_t n) {
  TestRun out;
  const auto& how = run.spec.run_test;
  if (how.command.empty()) {
    out.verdict = Verdict::no_runner;
    return out;
  }
  out.command = run_test_command(how.command, requirement.test);
  auto request = core::shell_request(out.command, run.task.workspace);
  request.env = run.env;
  request.timeout = run.spec.timeout;
  request.tail_bytes = k_output_bytes;
  request.log_path = run.log_dir / fmt::format("unit-test-required-{}.log", n);
  out.log = request.log_path;
  for (int attempt = 1; attempt <= run.spec.retries + 1; ++attempt) {
    out.result = run.runner.run(request);
    out.verdict = judge(how, out.result);
    if (out.verdict != Verdict::failed) break;
  }
  return out;
}

std::string_view verdict_text(Verdict verdict) {
  switch (verdict) {
    case Verdict::passed:
      return "passed";
    case Verdict::missing:
      return "is missing";
    case Verdict::failed:
      return "failed";
    case Verdict::no_runner:
      return "cannot be run";
    case Verdict::interrupted:
      break;
  }
  return "was interrupted";
}

std::string hint_for(Verdict verdict, const RequirementRun& run) {
  switch (verdict) {
    case Verdict::missing:
      return "write the test (the incident's root cause says what it must prove), or take it out "
             "of requirements: in the task's contract if it really no longer applies";
    case Verdict::failed:
      return "the required test is red: it guards against a past incident, so fix the code";
    default:
      return fmt::format(
          "the {} template has no run_test to run one test; check it another way (an acceptance "
          "command) and take it out of requirements: in the task's contract",
          run.task.lang);
  }
}

// Records a catch; a contract may name an incident this repository does not know (copied from
// elsewhere), and then the requirement still holds, just without the count.
void record_caught(const RequirementRun& run, const core::TestRequirement& requirement,
                   Verdict verdict) {
  if (requirement.incident == 0) return;
  try {
    run.store.record_incident_use(requirement.incident, run.task.id, store::IncidentUse::caught,
                                  run.run_id, run.actor,
                                  verdict == Verdict::missing ? "missing" : "failed");
  } catch (const core::Error&) {
  }
}

}  // namespace

std::string run_test_command(const std::string& command, const std::string& test) {
  const std::string quoted = contract::sh_quote(test);
  std::string out = command;
  constexpr std::string_view k_slot = "{test}";
  for (size_t pos = out.find(k_slot); pos != std::string::npos;
       pos = out.find(k_slot, pos + quoted.size())) {
    out.replace(pos, k_slot.size(), quoted);
  }
  return out;
}

std::string describe(const core::TestRequirement& requirement) {
  if (requirement.incident == 0) return requirement.test;
  if (requirement.reason.empty()) {
    return fmt::format("{} (incident {})", requirement.test, requirement.incident);
  }
  return fmt::format("{} (incident {}: {})", requirement.test, requirement.incident,
                     first_line(requirement.reason));
}

void check_requirements(const RequirementRun& run,
                        const std::vector<core::TestRequirement>& requirements,
                        StageReport& report) {
  if (requirements.empty() || report.outcome != core::Outcome::passed) return;
  fs::create_directories(run.log_dir);
  size_t red = 0;
  for (size_t i = 0; i < requirements.size(); ++i) {
    const auto& requirement = requirements[i];
    TestRun test = run_one(run, requirement, i + 1);
    report.duration_ms += test.result.duration.count();
    if (test.verdict == Verdict::interrupted) {
      report.outcome = core::Outcome::interrupted;
      report.detail = "interrupted";
      return;
    }
    bool ok = test.verdict == Verdict::passed;
    std::string line =
        fmt::format("required test {} {}", describe(requirement), verdict_text(test.verdict));
    report.checks.emplace_back(ok, line);
    if (ok) continue;
    if (test.verdict != Verdict::no_runner) record_caught(run, requirement, test.verdict);
    if (red++ > 0) continue;
    // The first red requirement explains the stage.
    report.outcome = core::Outcome::failed;
    report.detail = line;
    report.hint = hint_for(test.verdict, run);
    if (!test.command.empty()) report.command = test.command;
    report.exit_code = test.result.exit_code;
    report.log_path = test.log.string();
    report.output_tail = last_lines(test.result.output, k_tail_lines);
  }
  if (red > 1) report.detail += fmt::format(" (and {} more)", red - 1);
  if (red == 0) {
    report.detail = fmt::format("{} required test{} passed", requirements.size(),
                                requirements.size() == 1 ? "" : "s");
  }
}

void requirements_not_run(const std::vector<core::TestRequirement>& requirements,
                          StageReport& report) {
  if (requirements.empty() || report.outcome != core::Outcome::skipped) return;
  for (const auto& requirement : requirements) {
    report.checks.emplace_back(false,
                               fmt::format("required test {} not run", describe(requirement)));
  }
  report.outcome = core::Outcome::failed;
  report.detail = fmt::format("{} required test{} not run: skipped ({})", requirements.size(),
                              requirements.size() == 1 ? "" : "s", report.detail);
  if (report.hint.empty()) {
    report.hint = "configure the unit-test stage so the tests the contract requires can run";
  }
}

}  // namespace factory::pipeline
