#include <doctest/doctest.h>
#include <stdlib.h>
#include <time.h>

#include <string>
#include <vector>

#include "report/audit_format.hpp"

using namespace factory;
using namespace factory::report;

namespace {

// 2026-11-22 14:22:00 UTC
constexpr int64_t k_day = 1'795'357'320'000;
constexpr int64_t k_minute = 60'000;

// Local time is UTC in these tests, so HH:MM is predictable.
struct UtcZone {
  UtcZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

class Trail {
 public:
  Trail& add(int64_t ts, std::optional<int64_t> run, std::string actor, std::string action,
             std::string payload, bool decision = false) {
    AuditEvent event;
    event.seq = static_cast<int64_t>(m_events.size()) + 1;
    event.ts = ts;
    event.task = "calc";
    event.run_id = run;
    event.actor = std::move(actor);
    event.action = std::move(action);
    event.payload = std::move(payload);
    event.prev_hash = std::string(64, '0');
    event.hash = std::string(64, 'a');
    event.decision = decision;
    m_events.push_back(std::move(event));
    return *this;
  }
  const std::vector<AuditEvent>& events() const { return m_events; }

 private:
  std::vector<AuditEvent> m_events;
};

// A task's life: created, a red run with a revert, a green run with a commit, approval.
Trail sample_trail() {
  Trail t;
  t.add(k_day - 20 * k_minute, {}, "lewis", "created",
        R"({"lang":"python","base":"1a2b3c4d5e6f","tdd":true})")
      .add(k_day - 19 * k_minute, 1, "lewis", "run_started",
           R"({"run":1,"range":"tdd-setup..accept"})")
      .add(k_day - 19 * k_minute, {}, "lewis", "status",
           R"({"from":"created","to":"in_progress","reason":"run 1"})")
      .add(k_day - 18 * k_minute, 1, "lewis", "stage",
           R"({"stage":"unit-test","outcome":"failed"})")
      .add(k_day - 18 * k_minute, 1, "system", "reverted",
           R"({"stage":"unit-test","ref":"refs/factory/reverted/calc/1","files":2})")
      .add(k_day - 17 * k_minute, 1, "lewis", "run_failed", R"({"run":1})")
      .add(k_day - 17 * k_minute, 1, "lewis", "status",
           R"({"from":"in_progress","to":"failed","reason":"unit-test failed"})")
      .add(k_day - 10 * k_minute, 2, "lewis", "run_started",
           R"({"run":2,"range":"unit-test..accept"})")
      .add(k_day - 9 * k_minute, 2, "lewis", "stage", R"({"stage":"unit-test","outcome":"passed"})")
      .add(k_day - 9 * k_minute, 2, "lewis", "stage", R"({"stage":"security","outcome":"skipped"})")
      .add(k_day - 8 * k_minute, 2, "lewis", "committed",
           R"({"commit":"feedbeefcafe","stages":"unit-test..accept"})")
      .add(k_day - 8 * k_minute, 2, "lewis", "run_passed", R"({"run":2})")
      .add(k_day - 8 * k_minute, 2, "lewis", "status",
           R"({"from":"failed","to":"ready_for_decision","reason":"all green"})")
      .add(k_day - 5 * k_minute, {}, "mallory", "boundary_escape",
           R"({"files":["secrets.env"],"reason":"hotfix"})")
      .add(k_day, {}, "lewis", "status",
           R"({"from":"ready_for_decision","to":"approved","reason":"looks good"})", true)
      .add(k_day, {}, "lewis", "approved", R"({"note":"looks good","interactive":false})", true);
  return t;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("the timeline separates status history from runs and merges a decision's two events") {
  auto timeline = build_timeline(sample_trail().events());
  REQUIRE(timeline.history.size() == 6);
  CHECK(timeline.history[0].what == "created");
  CHECK(timeline.history[1].what == "in_progress");
  CHECK(timeline.history[2].what == "failed");
  CHECK(timeline.history[2].mark == AuditMark::bad);
  CHECK(timeline.history[3].what == "ready_for_decision");
  CHECK(timeline.history[4].mark == AuditMark::boundary);
  const auto& approved = timeline.history[5];
  CHECK(approved.what == "approved");
  CHECK(approved.mark == AuditMark::good);
  CHECK(approved.decision);
  CHECK(approved.reason == "looks good");
  CHECK(approved.note == "non-interactive (--yes)");

  REQUIRE(timeline.runs.size() == 2);
  const auto& red = timeline.runs[0];
  CHECK(red.number == 1);
  CHECK(red.range == "tdd-setup..accept");
  CHECK(red.status == "failed");
  CHECK(red.ended_at - red.started_at == 2 * k_minute);
  REQUIRE(red.notes.size() == 1);
  CHECK(red.notes[0].mark == AuditMark::revert);
  CHECK(red.notes[0].text.find("refs/factory/reverted/calc/1") != std::string::npos);
  CHECK(run_mark(red) == AuditMark::bad);
  CHECK(timeline.runs[1].stages.size() == 2);
  CHECK(run_mark(timeline.runs[1]) == AuditMark::good);
}

TEST_CASE("the terminal view: symbol, HH:MM today, actor and quoted reason") {
  UtcZone utc;
  auto timeline = build_timeline(sample_trail().events());
  auto text = joined(render_audit("calc", "approved", timeline, k_day + k_minute, std::nullopt,
                                  Style{false, 100}));
  CHECK(text.find("✓ 14:22 approved (lewis) — \"looks good\" · non-interactive (--yes)") !=
        std::string::npos);
  CHECK(text.find("✗ 14:05 failed (lewis) — \"unit-test failed\"") != std::string::npos);
  CHECK(text.find("⚠ 14:17 boundary escape (mallory) — \"hotfix\" · secrets.env") !=
        std::string::npos);
  CHECK(text.find("✗ 14:03 run 1  tdd-setup..accept  failed (2m00s)  unit-test ✗ · ↺ reverted 2") !=
        std::string::npos);
  CHECK(text.find("✓ 14:12 run 2  unit-test..accept  passed") != std::string::npos);
  CHECK(text.find("security –") != std::string::npos);
  CHECK(text.find("committed feedbee") != std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);  // no color when off
}

TEST_CASE("the terminal view dates every line when the history is not all from today") {
  UtcZone utc;
  auto timeline = build_timeline(sample_trail().events());
  auto text = joined(render_audit("calc", "approved", timeline, k_day + 24 * 60 * k_minute,
                                  std::nullopt, Style{false, 100}));
  CHECK(text.find("✓ 2026-11-22 14:22 approved (lewis)") != std::string::npos);
  CHECK(text.find("• 2026-11-22 14:02 created (lewis) — python · base 1a2b3c4") !=
        std::string::npos);
}

TEST_CASE("an empty trail says so in both sections") {
  auto text = joined(render_audit("calc", "created", {}, k_day, std::nullopt, Style{false, 100}));
  CHECK(text.find("status history\n  (none)\nstage runs\n  (none)") != std::string::npos);
}

TEST_CASE("the JSON view is one document with history, runs and parsed payloads") {
  auto trail = sample_trail();
  auto doc = audit_json("calc", "approved", k_day - 60 * k_minute, trail.events(),
                        build_timeline(trail.events()));
  CHECK(doc["task"] == "calc");
  CHECK(doc["since"] == k_day - 60 * k_minute);
  CHECK(doc["history"].size() == 6);
  CHECK(doc["history"][5]["what"] == "approved");
  CHECK(doc["history"][5]["decision"] == true);
  CHECK(doc["history"][5]["time"] == "2026-11-22T14:22:00.000Z");
  CHECK(doc["runs"][0]["notes"][0]["mark"] == "revert");
  CHECK(doc["events"].size() == trail.events().size());
  CHECK(doc["events"][0]["payload"]["lang"] == "python");
  CHECK(doc["events"][0]["run_id"].is_null());
}

TEST_CASE("an export record keeps every column, the payload as the stored string") {
  AuditEvent event = sample_trail().events()[1];
  auto text = export_record(event).dump();
  CHECK(text == R"({"seq":2,"ts":1795356180000,"task":"calc","run_id":1,"actor":"lewis",)"
                R"("action":"run_started","payload":"{\"run\":1,\"range\":\"tdd-setup..accept\"}",)"
                R"("prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",)"
                R"("hash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})");
}

TEST_CASE("the verify line names the count when intact, the seq and kind when broken") {
  AuditChain intact{true, "", 12, 12, std::string(64, 'b'), 0, ""};
  CHECK(verify_line(intact) ==
        "audit trail intact: 12 events (last seq 12, digest " + std::string(64, 'b') + ")");
  AuditChain broken{false, "missing", 2, 2, "", 3, "seq 3 is gone"};
  CHECK(verify_line(broken) == "audit trail broken at seq 3: missing — seq 3 is gone");
}

TEST_CASE("--since: durations back from now, ISO dates and times") {
  UtcZone utc;
  const int64_t now = k_day;
  CHECK(parse_since("2h", now) == now - 120 * k_minute);
  CHECK(parse_since("90m", now) == now - 90 * k_minute);
  CHECK(parse_since("3d", now) == now - 3 * 24 * 60 * k_minute);
  CHECK(parse_since("1w", now) == now - 7 * 24 * 60 * k_minute);
  CHECK(parse_since("1.5h", now) == now - 90 * k_minute);
  CHECK(parse_since("2026-11-22", now) == k_day - (14 * 60 + 22) * k_minute);
  CHECK(parse_since("2026-11-22T14:00", now) == k_day - 22 * k_minute);
  CHECK(parse_since("2026-11-22 14:22:00", now) == k_day);
  CHECK(parse_since("2026-11-22T16:22+02:00", now) == k_day);
  CHECK(parse_since("2026-11-22T14:22:00Z", now) == k_day);
  // the form `audit --json` prints, pasted back
  CHECK(parse_since("2026-11-22T14:22:00.123Z", now) == k_day + 123);
  CHECK(parse_since("2026-11-22T14:22:00.5Z", now) == k_day + 500);
  for (const char* bad :
       {"", "2", "2x", "-1h", "yesterday", "2026-13-01", "2026-02-30", "2026-11-22T25:00",
        "2026-11-22T14:00+", "2026-11-22junk", "2026-11-22T14:22:00.Z", "2026-11-22T14:22.5"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_since(bad, now));
  }
}

TEST_CASE("the Markdown report has every section, with the chain status at the end") {
  AuditReportInput input;
  input.task = "calc";
  input.status = "approved";
  input.lang = "python";
  input.branch = "factory/calc";
  input.base_commit = "1a2b3c4d5e6f7a8b";
  input.created_at = k_day - 20 * k_minute;
  input.events = sample_trail().events();
  AuditStageResult green;
  green.stage = core::Stage::unit_test;
  green.run_id = 2;
  green.duration_ms = 1200;
  AuditStageResult red;
  red.stage = core::Stage::lint;
  red.outcome = core::Outcome::failed;
  red.run_id = 2;
  red.detail = "exit code 1";
  extract::Finding finding;
  finding.file = "calc.py";
  finding.line = 3;
  finding.column = 1;
  finding.message = "E302 expected 2 blank lines | found 1";
  red.findings = {finding};
  input.stages = {green, red};
  input.chain = {true, "", 16, 16, std::string(64, 'c'), 0, ""};

  auto page = render_audit_report(input);
  CHECK(page.starts_with("# Audit report: `calc`\n"));
  CHECK(page.find("**Status:** approved") != std::string::npos);
  CHECK(page.find("## Timeline") != std::string::npos);
  CHECK(page.find("| 2026-11-22 14:22 | ✓ approved | lewis | \"looks good\"") != std::string::npos);
  CHECK(page.find("| 2026-11-22 14:03 | ✗ run 1 failed |") != std::string::npos);
  CHECK(page.find("## Decisions\n\n- ✓ **approved** by lewis at 2026-11-22 14:22 UTC — \"looks "
                  "good\" · non-interactive (--yes)") != std::string::npos);
  CHECK(page.find("| Stage | Result | Run | Duration | Detail |") != std::string::npos);
  CHECK(page.find("| unit-test | ✓ passed | 2 | 1.2s |") != std::string::npos);
  CHECK(page.find("### lint\n\n- `calc.py:3:1` E302 expected 2 blank lines \\| found 1") !=
        std::string::npos);
  CHECK(page.find("Audit chain: ✓ intact — 16 events") != std::string::npos);

  input.chain = {false, "edited", 6, 6, "", 7, "the row does not match its hash"};
  input.stages.clear();
  page = render_audit_report(input);
  CHECK(page.find("Audit chain: ✗ **broken at seq 7: edited**") != std::string::npos);
  CHECK(page.find("No stage has run yet.") != std::string::npos);
  CHECK(page.find("No red stage") != std::string::npos);
}

TEST_CASE("the Markdown report shows Markdown and HTML in a reason as typed, never rendered") {
  Trail t;
  t.add(k_day, {}, "Lewis <l@x.org>", "status",
        R"j({"from":"ready_for_decision","to":"rejected","reason":"<b>no</b> *way* [x](y)"})j",
        true);
  AuditReportInput input;
  input.task = "calc";
  input.status = "rejected";
  input.events = t.events();
  auto page = render_audit_report(input);
  CHECK(page.find("\\<b\\>no\\</b\\> \\*way\\* \\[x\\](y)") != std::string::npos);
  CHECK(page.find("Lewis \\<l@x.org\\>") != std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
}

TEST_CASE("an interrupted stage reads as interrupted in the runs, not as '?'") {
  Trail t;
  t.add(k_day, 1, "lewis", "run_started", R"({"run":1,"range":"implement..accept"})")
      .add(k_day, 1, "lewis", "stage", R"({"stage":"implement","outcome":"interrupted"})")
      .add(k_day, 1, "lewis", "run_interrupted", R"({"run":1})");
  auto timeline = build_timeline(t.events());
  auto text = joined(
      render_audit("calc", "running", timeline, k_day + k_minute, std::nullopt, Style{false, 120}));
  CHECK(text.find("implement ✗ interrupted") != std::string::npos);
  CHECK(text.find("?") == std::string::npos);
}
