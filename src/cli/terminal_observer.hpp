#pragma once

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/observer.hpp"
#include "report/progress.hpp"

namespace factory::cli {

// Renders the engine's progress: result lines on stdout, the spinner on stderr.
class TerminalObserver : public pipeline::Observer {
 public:
  // Paths in a root cause are shown relative to `workspace`, the task's workspace.
  explicit TerminalObserver(std::string task_id, std::filesystem::path workspace = {});

  void stage_started(core::Stage stage, const std::string& command) override;
  void stage_finished(const pipeline::StageReport& report) override;
  void committed(const std::string& commit_id, const std::string& subject) override;
  void note(const std::string& line) override;
  // Prints the readiness dashboard (stdout) and keeps the metrics for the run's summary line.
  void readiness(const core::Readiness& readiness) override;
  void readiness_unmeasured(const std::string& why) override;

  // Stages reported as SKIPPED in this cycle, so the summary can say what "green" covers.
  const std::vector<std::string>& skipped() const { return m_skipped; }
  // The readiness measured at the end of the run, if it was.
  const std::optional<core::Readiness>& measured_readiness() const { return m_readiness; }

 private:
  void print_failure_details(const pipeline::StageReport& report);
  // The commands to go on with: unrevert when a change was saved, retry, explain, the log.
  void print_next(const pipeline::StageReport& report);
  // The end of the output, when the log could not be read for a root cause.
  void print_tail(const std::string& tail);

  std::string m_task;
  std::filesystem::path m_workspace;
  bool m_color;
  report::Progress m_progress;
  std::vector<std::string> m_skipped;
  std::optional<core::Readiness> m_readiness;
};

}  // namespace factory::cli
