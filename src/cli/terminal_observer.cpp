#include "cli/terminal_observer.hpp"

#include <fmt/format.h>

#include "core/lines.hpp"
#include "report/dashboard.hpp"
#include "report/root_cause.hpp"
#include "report/style.hpp"

namespace factory::cli {

using pipeline::StageNote;
using report::paint;
using report::Tone;

namespace {
constexpr size_t k_command_width = 60;

std::string prefix(core::Stage stage) {
  return report::stage_label(stage);
}

// Long template commands would push the result off the line; the log has the full command.
std::string shown(const std::string& command) {
  if (command.size() <= k_command_width) return command;
  return command.substr(0, k_command_width - 3) + "...";
}

std::string short_id(const std::string& id) {
  return id.substr(0, 7);
}

std::string counts(const vcs::FileChange& change) {
  if (change.added_lines < 0) return "binary";
  return fmt::format("+{} -{}", change.added_lines, change.removed_lines);
}
}  // namespace

TerminalObserver::TerminalObserver(std::string task_id, std::filesystem::path workspace)
    : m_task(std::move(task_id)),
      m_workspace(std::move(workspace)),
      m_color(report::color_enabled(stdout)) {}

void TerminalObserver::stage_started(core::Stage stage, const std::string& command) {
  m_progress.start(fmt::format("{} {}", prefix(stage), shown(command)));
}

void TerminalObserver::stage_finished(const pipeline::StageReport& r) {
  m_progress.stop();
  std::string line = prefix(r.stage) + " ";
  std::string took = report::format_duration(r.duration_ms);
  switch (r.note) {
    case StageNote::red_already_confirmed:
      line += paint("✓", Tone::good, m_color) +
              fmt::format(" red confirmed {} (already)", report::format_time(r.when_ms));
      break;
    case StageNote::tool_missing:
    case StageNote::no_command:
    case StageNote::tdd_disabled:
      line += paint(fmt::format("- SKIPPED ({})", r.detail), Tone::warn, m_color);
      m_skipped.emplace_back(core::stage_name(r.stage));
      if (!r.hint.empty()) line += fmt::format(" hint: {}", r.hint);
      break;
    case StageNote::green_on_tree:
      line += paint("✓", Tone::good, m_color) + fmt::format(" {}  {}  ", shown(r.command), took) +
              paint("(green on this tree, skipped)", Tone::muted, m_color);
      break;
    case StageNote::ran:
      if (r.outcome == core::Outcome::passed) {
        line += paint("✓", Tone::good, m_color) + " ";
        if (r.stage == core::Stage::tdd_setup) line += "red confirmed: ";
        line += fmt::format("{}  {}", shown(r.command), took);
        if (!r.snapshot_commit.empty()) line += "  snapshot " + short_id(r.snapshot_commit);
        if (!r.detail.empty() && r.stage != core::Stage::tdd_setup) {
          line += "  " + paint(r.detail, Tone::muted, m_color);
        }
        if (r.attempts > 1) line += fmt::format("  (passed on attempt {})", r.attempts);
      } else {
        line += paint(r.outcome == core::Outcome::interrupted ? "✗ interrupted" : "✗", Tone::bad,
                      m_color);
        line += fmt::format(" {}  {}", shown(r.command), took);
        if (!r.reverted.empty()) {
          line += fmt::format("  reverted {} file{} (patch saved)", r.reverted.size(),
                              r.reverted.size() == 1 ? "" : "s");
        }
      }
      break;
  }
  fmt::print("{}\n", line);
  for (const auto& [ok, what] : r.checks) {
    fmt::print("    {} {}\n", ok ? paint("✓", Tone::good, m_color) : paint("✗", Tone::bad, m_color),
               what);
  }
  if (r.outcome == core::Outcome::failed || r.outcome == core::Outcome::interrupted) {
    print_failure_details(r);
  }
  std::fflush(stdout);
}

void TerminalObserver::print_failure_details(const pipeline::StageReport& r) {
  using report::labelled;
  for (const auto& change : r.reverted) {
    fmt::print("    {} {}  {}\n", change.kind, change.path, counts(change));
  }
  if (!r.detail.empty()) fmt::print("  {}\n", labelled("WHY", r.detail, m_color));
  if (r.command.size() > k_command_width) {
    fmt::print("  {}\n", labelled("COMMAND", r.command, m_color));
  }
  if (r.extraction) {
    for (const auto& line : report::render_root_cause(*r.extraction, m_workspace, m_color)) {
      fmt::print("  {}\n", line);
    }
  } else {
    print_tail(r.output_tail);
  }
  if (!r.hint.empty()) fmt::print("  {}\n", labelled("HINT", r.hint, m_color));
  print_next(r);
  if (!r.log_path.empty()) fmt::print("  {}\n", labelled("FULL LOG", r.log_path, m_color));
}

void TerminalObserver::print_tail(const std::string& tail) {
  if (tail.empty()) return;
  fmt::print("  {}\n", paint("OUTPUT (last lines)", Tone::strong, m_color));
  core::for_each_line(
      tail, [](int, std::string_view line) { fmt::print("    {}\n", report::printable(line)); });
}

void TerminalObserver::print_next(const pipeline::StageReport& r) {
  std::string stage(core::stage_name(r.stage));
  std::vector<std::pair<std::string, std::string>> steps;
  if (!r.saved_ref.empty()) {
    steps.emplace_back(fmt::format("factory unrevert {}", m_task),
                       "bring back the reverted change");
  }
  steps.emplace_back(fmt::format("factory stage {} {}", m_task, stage), "retry");
  if (r.outcome == core::Outcome::failed) {
    steps.emplace_back(fmt::format("factory explain {}", m_task), "ask the configured debug agent");
  }
  if (!r.log_path.empty()) {
    steps.emplace_back(fmt::format("factory log {} {}", m_task, stage), "full log in $PAGER");
  }
  size_t width = 0;
  for (const auto& step : steps) width = std::max(width, step.first.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string text = fmt::format("{:<{}}  # {}", steps[i].first, width, steps[i].second);
    fmt::print("  {}\n", i == 0 ? report::labelled("NEXT", text, m_color)
                                : std::string(report::k_label_width, ' ') + text);
  }
}

void TerminalObserver::committed(const std::string& commit_id, const std::string& subject) {
  m_progress.stop();
  fmt::print("committed {} {}\n", short_id(commit_id), subject);
  std::fflush(stdout);
}

void TerminalObserver::note(const std::string& line) {
  m_progress.stop();
  fmt::print("{}\n", line);
}

void TerminalObserver::readiness(const core::Readiness& readiness) {
  m_progress.stop();
  auto style = report::Style::for_stdout();
  style.color = m_color;
  fmt::print("{}", report::render_dashboard(readiness, style));
  std::fflush(stdout);
  m_readiness = readiness;
}

void TerminalObserver::readiness_unmeasured(const std::string& why) {
  m_progress.stop();
  fmt::print("readiness not measured: {}\n", why);
  std::fflush(stdout);
}

}  // namespace factory::cli
