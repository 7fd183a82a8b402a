#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/stage.hpp"
#include "extract/finding.hpp"
#include "report/screen.hpp"

// The views of `factory audit` (docs/AUDIT.md): a task's status history and stage runs for the
// terminal and --json, the export records, the verify line and the Markdown report. Plain
// structs in, text out: the store is not known here.
namespace factory::report {

// One event of the audit trail as the views read it (store::EventRow without the store).
struct AuditEvent {
  int64_t seq = 0;
  int64_t ts = 0;  // ms since the epoch, UTC
  std::string task;
  std::optional<int64_t> run_id;
  std::string actor;
  std::string action;
  std::string payload;  // the JSON object exactly as stored (and hashed)
  std::string prev_hash;
  std::string hash;
  bool decision = false;  // store::is_decision_event: approved, rejected, abandoned, ...
};

// What the chain walk found (store::AuditVerify without the store).
struct AuditChain {
  bool intact = true;
  std::string kind;  // "edited", "missing", "out of order", "truncated"; "" when intact
  int64_t events = 0;
  int64_t last_seq = 0;
  std::string digest;
  int64_t broken_seq = 0;
  std::string detail;
};

// The symbol a line starts with: ✓ green or a decision for, ✗ failed or against, ↺ revert,
// ⚠ boundary, • anything else.
enum class AuditMark { good, bad, revert, boundary, info };

// One line of the status history: a status move (merged with its decision event), a boundary
// escape, an unrevert, an incident, ...
struct HistoryLine {
  int64_t seq = 0;
  int64_t ts = 0;
  AuditMark mark = AuditMark::info;
  std::string what;  // "approved", "created", "boundary escape"
  std::string actor;
  std::string reason;  // shown quoted; may be empty
  std::string note;  // shown after the reason: "non-interactive (--yes)", "python · base 1a2b3c4"
  bool decision = false;
};

// Something that happened in a run besides its stages: a revert, a commit, a blocked commit.
struct RunNote {
  AuditMark mark = AuditMark::info;
  std::string text;  // "reverted 2 files (refs/factory/reverted/calc/1)", "committed 1a2b3c4"
};

// One run, from its run_started event to its end event.
struct RunLine {
  int64_t seq = 0;  // its first event's
  int64_t run_id = 0;
  int number = 0;
  int64_t started_at = 0;
  int64_t ended_at = 0;            // 0 while it runs (or when it never ended)
  std::string range;               // "tdd-setup..accept"
  std::string status = "running";  // passed | failed | blocked | interrupted | running
  std::vector<std::pair<std::string, std::string>> stages;  // (stage, outcome) as they ran
  std::vector<RunNote> notes;
};

// ✓ passed, ✗ failed or interrupted, ⚠ blocked at the boundary, • still running.
AuditMark run_mark(const RunLine& run);

// A task's trail read for people: its history lines and its runs, both in seq order.
struct AuditTimeline {
  std::vector<HistoryLine> history;
  std::vector<RunLine> runs;
};

// Groups a task's events (seq order) into history lines and runs.
AuditTimeline build_timeline(const std::vector<AuditEvent>& events);

// "✓", "✗", "↺", "⚠", "•".
std::string_view mark_symbol(AuditMark mark);

// `factory audit <task>` for the terminal, one string per line: a header, the status history
// (`✓ 14:22 approved (lewis) — "looks good"`), then the runs. Times are local HH:MM, with the
// date on every line when any line is not from today (`now_ms`).
std::vector<std::string> render_audit(const std::string& task, const std::string& status,
                                      const AuditTimeline& timeline, int64_t now_ms,
                                      std::optional<int64_t> since_ms, const Style& style);

// One export record: seq, ts, task, run_id, actor, action, payload (the stored string),
// prev_hash, hash, in that order: what an external verifier re-hashes.
nlohmann::ordered_json export_record(const AuditEvent& event);

// `factory audit <task> --json`: task, status, since, history, runs and the events (with the
// payload parsed), as one document.
nlohmann::ordered_json audit_json(const std::string& task, const std::string& status,
                                  std::optional<int64_t> since_ms,
                                  const std::vector<AuditEvent>& events,
                                  const AuditTimeline& timeline);

// "audit trail intact: N events (last seq N, digest …)" or
// "audit trail broken at seq N: <kind> — <detail>".
std::string verify_line(const AuditChain& chain);

// `--since`: a duration back from `now_ms` ("90m", "2h", "3d", "1w"), an ISO date ("2026-11-22",
// local midnight) or date and time ("2026-11-22T14:00", "2026-11-22 14:00:30", local; with "Z"
// or "+02:00", that offset). nullopt when it is none of these.
std::optional<int64_t> parse_since(std::string_view text, int64_t now_ms);

// "2026-11-22T14:22:05.123Z".
std::string iso_utc(int64_t epoch_ms);

// A stage's latest result as the report shows it (store::StageResultRow without the store).
struct AuditStageResult {
  core::Stage stage = core::Stage::tdd_setup;
  core::Outcome outcome = core::Outcome::passed;
  int64_t run_id = 0;
  int64_t duration_ms = 0;
  int64_t at = 0;
  std::string detail;
  std::vector<extract::Finding> findings;  // the stored ones (red stages)
};

// What `factory audit report <task>` puts on its page.
struct AuditReportInput {
  std::string task;
  std::string status;
  std::string lang;
  std::string branch;
  std::string base_commit;
  int64_t created_at = 0;
  std::vector<AuditEvent> events;        // the task's, seq order
  std::vector<AuditStageResult> stages;  // the latest result of each stage, pipeline order
  AuditChain chain;                      // the whole trail's verify result
};

// The one-page Markdown report: title, status, timeline table, decisions, stage results, the
// findings of red stages and the chain's status; times in UTC (a PR is read in any zone).
std::string render_audit_report(const AuditReportInput& input);

}  // namespace factory::report
