#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <map>

#include "report/audit_format.hpp"
#include "report/root_cause.hpp"
#include "report/style.hpp"

// `factory audit report <task>`: one Markdown page to paste into a pull request. Everything on it
// comes from the audit trail and the stored stage results; nothing is re-run.
namespace factory::report {

namespace {

// Findings listed per red stage: the page stays one page.
constexpr size_t k_findings_per_stage = 5;

std::string utc(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:%Y-%m-%d %H:%M}", tm);
}

// Text safe inside a table cell or an inline span: one line, no column breaks, no code fences,
// and Markdown links, emphasis or HTML in a reason shown as typed (backslash escapes), never
// rendered. '_' is left alone: identifiers are full of it and GitHub does not emphasise inside
// words.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : printable(text)) {
    if (std::string_view("\\|*[]<>~").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else if (c == '`') {
      out += '\'';
    } else {
      out += c;
    }
  }
  return out;
}

std::string history_detail(const HistoryLine& line) {
  std::string detail = line.reason.empty() ? "" : fmt::format("\"{}\"", cell(line.reason));
  if (!line.note.empty()) detail += (detail.empty() ? "" : " · ") + cell(line.note);
  return detail;
}

std::string run_detail(const RunLine& run) {
  std::vector<std::string> parts;
  if (!run.range.empty()) parts.push_back(fmt::format("`{}`", cell(run.range)));
  std::vector<std::string> failed;
  for (const auto& [stage, outcome] : run.stages) {
    if (outcome == "failed") failed.push_back(stage);
  }
  parts.push_back(
      fmt::format("{} stage(s){}", run.stages.size(),
                  failed.empty() ? "" : fmt::format(", red: {}", fmt::join(failed, ", "))));
  for (const auto& note : run.notes) {
    parts.push_back(fmt::format("{} {}", mark_symbol(note.mark), cell(note.text)));
  }
  return fmt::format("{}", fmt::join(parts, " · "));
}

// The timeline: history lines and runs merged in trail order, one table row each.
void timeline_section(const AuditTimeline& timeline, std::string& out) {
  out += "## Timeline\n\n";
  if (timeline.history.empty() && timeline.runs.empty()) {
    out += "No events.\n\n";
    return;
  }
  std::map<int64_t, std::string> rows;  // by seq (a run's first event's)
  for (const auto& line : timeline.history) {
    rows.emplace(line.seq,
                 fmt::format("| {} | {} {} | {} | {} |", utc(line.ts), mark_symbol(line.mark),
                             cell(line.what), cell(line.actor), history_detail(line)));
  }
  for (const auto& run : timeline.runs) {
    rows.emplace(run.seq, fmt::format("| {} | {} run {} {} | | {} |", utc(run.started_at),
                                      mark_symbol(run_mark(run)),
                                      run.number > 0 ? std::to_string(run.number) : "?", run.status,
                                      run_detail(run)));
  }
  out += "| Time (UTC) | Event | By | Detail |\n|---|---|---|---|\n";
  for (const auto& [seq, row] : rows) out += row + "\n";
  out += "\n";
}

void decisions_section(const AuditTimeline& timeline, std::string& out) {
  out += "## Decisions\n\n";
  bool any = false;
  for (const auto& line : timeline.history) {
    if (!line.decision) continue;
    any = true;
    out += fmt::format("- {} **{}** by {} at {} UTC", mark_symbol(line.mark), cell(line.what),
                       cell(line.actor), utc(line.ts));
    if (!line.reason.empty()) out += fmt::format(" — \"{}\"", cell(line.reason));
    if (!line.note.empty()) out += fmt::format(" · {}", cell(line.note));
    out += "\n";
  }
  if (!any) out += "No decision yet: nobody approved or rejected this task.\n";
  out += "\n";
}

std::string outcome_text(core::Outcome outcome) {
  switch (outcome) {
    case core::Outcome::passed:
      return "✓ passed";
    case core::Outcome::failed:
      return "✗ failed";
    case core::Outcome::skipped:
      return "– skipped";
    case core::Outcome::interrupted:
      return "✗ interrupted";
  }
  return std::string(core::outcome_name(outcome));
}

void stages_section(const AuditReportInput& input, const AuditTimeline& timeline,
                    std::string& out) {
  std::map<int64_t, int> numbers;  // run id -> run number
  for (const auto& run : timeline.runs) numbers[run.run_id] = run.number;
  out += "## Stage results\n\nThe latest result of each stage.\n\n";
  if (input.stages.empty()) {
    out += "No stage has run yet.\n\n";
    return;
  }
  out += "| Stage | Result | Run | Duration | Detail |\n|---|---|---|---|---|\n";
  for (const auto& stage : input.stages) {
    auto number = numbers.find(stage.run_id);
    out += fmt::format(
        "| {} | {} | {} | {} | {} |\n", core::stage_name(stage.stage), outcome_text(stage.outcome),
        number != numbers.end() && number->second > 0 ? std::to_string(number->second) : "",
        format_duration(stage.duration_ms), cell(stage.detail));
  }
  out += "\n";
}

void findings_section(const AuditReportInput& input, std::string& out) {
  out += "## Findings\n\n";
  bool any = false;
  for (const auto& stage : input.stages) {
    if (stage.outcome != core::Outcome::failed) continue;
    any = true;
    out += fmt::format("### {}\n\n", core::stage_name(stage.stage));
    if (stage.findings.empty()) {
      out += fmt::format("No finding recognised in the log ({}).\n\n",
                         stage.detail.empty() ? "see `factory log`" : cell(stage.detail));
      continue;
    }
    for (size_t i = 0; i < stage.findings.size() && i < k_findings_per_stage; ++i) {
      const auto& finding = stage.findings[i];
      std::string where = extract::where(finding);
      out += fmt::format("- {}{}\n", where.empty() ? "" : fmt::format("`{}` ", cell(where)),
                         cell(headline(finding)));
    }
    if (stage.findings.size() > k_findings_per_stage) {
      out += fmt::format("- … and {} more\n", stage.findings.size() - k_findings_per_stage);
    }
    out += "\n";
  }
  if (!any) out += "No red stage: nothing to report.\n\n";
}

std::string chain_line(const AuditChain& chain) {
  if (chain.intact) {
    return fmt::format(
        "Audit chain: ✓ intact — {} events, last seq {}, digest `{}` "
        "(`factory audit verify`).",
        chain.events, chain.last_seq, chain.digest);
  }
  return fmt::format("Audit chain: ✗ **broken at seq {}: {}** — {} (`factory audit verify`).",
                     chain.broken_seq, chain.kind, cell(chain.detail));
}

}  // namespace

std::string render_audit_report(const AuditReportInput& input) {
  const AuditTimeline timeline = build_timeline(input.events);
  std::string out = fmt::format("# Audit report: `{}`\n\n", cell(input.task));
  out += fmt::format(
      "**Status:** {} · **language:** {} · **branch:** `{}` · **base:** `{}` · "
      "**created:** {} UTC\n\n",
      cell(input.status), cell(input.lang), cell(input.branch),
      cell(input.base_commit.substr(0, 12)), utc(input.created_at));
  timeline_section(timeline, out);
  decisions_section(timeline, out);
  stages_section(input, timeline, out);
  findings_section(input, out);
  out += "---\n\n" + chain_line(input.chain) + "\n";
  return out;
}

}  // namespace factory::report
