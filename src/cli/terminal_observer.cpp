#include "cli/terminal_observer.hpp"

#include <fmt/format.h>

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

TerminalObserver::TerminalObserver(std::string task_id)
    : m_task(std::move(task_id)), m_color(report::color_enabled(stdout)) {}

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
  for (const auto& change : r.reverted) {
    fmt::print("    {} {}  {}\n", change.kind, change.path, counts(change));
  }
  if (!r.detail.empty()) fmt::print("  {}  {}\n", paint("WHY", Tone::strong, m_color), r.detail);
  if (r.command.size() > k_command_width) {
    fmt::print("  {}  {}\n", paint("COMMAND", Tone::strong, m_color), r.command);
  }
  if (!r.output_tail.empty()) {
    fmt::print("  {}\n", paint("OUTPUT (last lines)", Tone::strong, m_color));
    size_t start = 0;
    while (start < r.output_tail.size()) {
      size_t end = r.output_tail.find('\n', start);
      if (end == std::string::npos) end = r.output_tail.size();
      fmt::print("    {}\n", std::string_view(r.output_tail).substr(start, end - start));
      start = end + 1;
    }
  }
  if (!r.hint.empty()) fmt::print("  {}  {}\n", paint("HINT", Tone::strong, m_color), r.hint);
  if (!r.log_path.empty()) {
    fmt::print("  {}  {}\n", paint("FULL LOG", Tone::strong, m_color), r.log_path);
  }
  std::string stage(core::stage_name(r.stage));
  std::string next = fmt::format("factory stage {} {}", m_task, stage);
  if (!r.saved_ref.empty()) next = fmt::format("factory unrevert {} · {}", m_task, next);
  fmt::print("  {}  {}\n", paint("NEXT", Tone::strong, m_color), next);
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

}  // namespace factory::cli
