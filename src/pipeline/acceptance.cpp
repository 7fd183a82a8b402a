#include <fmt/format.h>

#include <fstream>

#include "config/pattern.hpp"
#include "config/text_file.hpp"
#include "pipeline/cycle.hpp"
#include "pipeline/engine.hpp"

namespace factory::pipeline {

using core::AcceptanceCheck;
using core::Outcome;
using core::Stage;

namespace {
constexpr auto k_check_timeout = std::chrono::minutes(10);

// Whether the pattern matches; a pattern PCRE2 gives up on is a failed check, said as such.
bool search(const std::string& text, const std::string& pattern, std::string& problem) {
  try {
    return config::Pattern(pattern).search(text);
  } catch (const std::exception& e) {
    problem = fmt::format("/{}/ could not be matched: {}", pattern, e.what());
    return false;
  }
}

// The file a check names, inside the workspace; "" when the path leaves it.
fs::path checked_file(const std::string& workspace, const std::string& path) {
  auto normal = contract::normalize_path(path);
  return normal ? fs::path(workspace) / *normal : fs::path();
}

// Why a file check failed; "" when it passed.
std::string file_problem(const AcceptanceCheck& check, const std::string& workspace) {
  fs::path file = checked_file(workspace, check.path);
  if (file.empty()) return fmt::format("{} is outside the workspace", check.path);
  if (!fs::is_regular_file(file)) return fmt::format("{} does not exist", check.path);
  if (check.kind == AcceptanceCheck::Kind::file_exists) return "";
  std::string text = config::try_read_text_file(file).value_or("");
  std::string problem;
  if (search(text, check.pattern, problem)) return "";
  return problem.empty() ? fmt::format("{} has no match for /{}/", check.path, check.pattern)
                         : fmt::format("{}: {}", check.path, problem);
}
}  // namespace

void Engine::run_acceptance(Cycle& cycle, StageReport& report) {
  const auto& checks = m_setup.contract.acceptance;
  if (checks.empty()) return;
  fs::create_directories(cycle.run_log_dir);
  std::ofstream log(cycle.run_log_dir / "accept-checks.log");
  int passed = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    const auto& check = checks[i];
    std::string problem;
    if (check.kind == AcceptanceCheck::Kind::command) {
      auto request = core::shell_request(check.command, m_setup.task.workspace);
      request.env = stage_env(Stage::accept);
      request.timeout = check.timeout.value_or(k_check_timeout);
      request.log_path = cycle.run_log_dir / fmt::format("accept-check-{}.log", i + 1);
      auto result = m_deps.runner.run(request);
      if (result.interrupted) {
        report.outcome = Outcome::interrupted;
        report.detail = "interrupted";
        return;
      }
      if (result.timed_out) {
        problem = "timed out";
      } else if (result.exit_code != check.expect_exit) {
        problem = fmt::format("exit code {} (expected {})", result.exit_code, check.expect_exit);
      } else if (check.expect_stdout && !search(result.output, *check.expect_stdout, problem)) {
        if (problem.empty()) {
          problem = fmt::format("output has no match for /{}/", *check.expect_stdout);
        }
      }
    } else {
      problem = file_problem(check, m_setup.task.workspace);
    }
    bool ok = problem.empty();
    passed += ok ? 1 : 0;
    std::string line = ok ? check.name : fmt::format("{}: {}", check.name, problem);
    report.checks.emplace_back(ok, line);
    log << (ok ? "PASS " : "FAIL ") << line << '\n';
  }
  std::string summary = fmt::format("acceptance {}/{} checks passed", passed, checks.size());
  if (passed == static_cast<int>(checks.size())) {
    // With no accept command the checks are the whole stage; a missing tool stays visible.
    if (report.note == StageNote::no_command) {
      report.outcome = Outcome::passed;
      report.note = StageNote::ran;
      report.detail.clear();
      report.hint.clear();
    }
    report.detail = report.detail.empty() ? summary : report.detail + " · " + summary;
    return;
  }
  report.outcome = Outcome::failed;
  report.note = StageNote::ran;
  report.detail = summary;
  report.hint = "the failing checks come from the acceptance list in the task's contract";
  report.log_path = (cycle.run_log_dir / "accept-checks.log").string();
}

}  // namespace factory::pipeline
