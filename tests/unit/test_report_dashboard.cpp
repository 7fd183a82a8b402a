#include <doctest/doctest.h>

#include "report/dashboard.hpp"

using namespace factory;
using core::Stage;
using core::StageState;
using report::Style;

namespace {

// The example: everything fine but two new files in src/core and a skipped scanner.
core::Readiness example() {
  core::Readiness r;
  r.tree_id = "tree";
  r.coverage = {"", 89.4, 894, 1000, 80};
  r.patch = {"", 96.2, 25, 26, 90};
  r.critical = {"", 1, 3, 3, {}};
  r.lines = {"", 47, 3, 12, 0, core::SizeClass::small};
  r.patterns.new_files = {"src/core/a.py", "src/core/b.py"};
  r.patterns.groups = {{"src/core", 2, true}};
  r.boundaries.files = 12;
  for (Stage s : core::all_stages()) r.stages.stages.push_back({s, StageState::green, "", false});
  r.stages.stages[7] = {Stage::security, StageState::skipped, "tool missing: bandit", false};
  core::assess(r);
  return r;
}

Style plain(int width = 100) {
  return {false, width};
}

}  // namespace

TEST_CASE("the dashboard in two columns, as in the issue") {
  auto lines = report::dashboard_lines(example(), plain());
  std::vector<std::string> expected = {
      // clang-format off
      "✓ Test coverage     89% (threshold 80%)     ✓ Patch coverage  96% (threshold 90%)",
      "✓ Critical paths    3/3 covered             ✓ Lines changed   +47 / -3 (small)",
      "✓ New dependencies  0                       ⚠ New patterns    2 new files in src/core (review)",
      "✓ Boundaries        12 files, all allowed   ✓ Stages          10/10 (security skipped: tool missing)",
      "Risk: MEDIUM (4/10) — why: new files in src/core (+2) · 1 skipped stage: security (+2)",
      "Review estimate: ~10 min",
      // clang-format on
  };
  CHECK(lines == expected);
  for (const auto& line : lines) CHECK(report::display_width(line) <= 100);
}

TEST_CASE("a narrow terminal gets one column, nothing cut") {
  auto lines = report::dashboard_lines(example(), plain(80));
  CHECK(
      lines ==
      std::vector<std::string>{
          "✓ Test coverage     89% (threshold 80%)",
          "✓ Patch coverage    96% (threshold 90%)",
          "✓ Critical paths    3/3 covered",
          "✓ Lines changed     +47 / -3 (small)",
          "✓ New dependencies  0",
          "⚠ New patterns      2 new files in src/core (review)",
          "✓ Boundaries        12 files, all allowed",
          "✓ Stages            10/10 (security skipped: tool missing)",
          "Risk: MEDIUM (4/10) — why: new files in src/core (+2) · 1 skipped stage: security (+2)",
          "Review estimate: ~10 min",
      });
}

TEST_CASE("what was not measured says so and why, never a number") {
  auto r = example();
  std::string why = "coverage stage skipped (tool missing: coverage)";
  r.coverage = {why, std::nullopt, 0, 0, 80};
  r.patch = {why, std::nullopt, 0, 0, 90};
  r.critical = {why, 0, 0, 0, {}};
  r.dependencies.not_measured = "diff failed";
  core::assess(r);
  auto cells = report::dashboard_cells(r);
  CHECK(cells[0].mark == report::Mark::warn);
  CHECK(cells[0].value == "not measured: coverage stage skipped (tool missing: coverage)");
  CHECK(cells[1].value == "not measured: coverage stage skipped (tool missing: coverage)");
  CHECK(cells[2].value == "none declared");  // no critical path: nothing to measure
  CHECK(cells[4].mark == report::Mark::warn);
  CHECK(cells[4].value == "not measured: diff failed");
  // Too long for two columns at 100: one column.
  CHECK(report::dashboard_lines(r, plain())[1] ==
        "⚠ Patch coverage    not measured: coverage stage skipped (tool missing: coverage)");
}

TEST_CASE("blocking metrics are marked ✗ with their details") {
  auto r = example();
  r.critical = {"", 2, 1, 2, {"src/pay.py:42-44 charge_card()"}};
  r.boundaries.violations = {{"secrets/key", "matches forbidden glob 'secrets/**'"}};
  r.stages.stages[7].required = true;
  r.dependencies.items = {{"requirements.txt", 3, "requests"}};
  core::assess(r);
  auto cells = report::dashboard_cells(r);
  CHECK(cells[2].mark == report::Mark::bad);
  CHECK(cells[2].value == "1/2 covered: src/pay.py:42-44 charge_card()");
  CHECK(cells[4].value == "1 (requirements.txt:3 requests)");
  CHECK(cells[6].mark == report::Mark::bad);
  CHECK(cells[6].value == "1 of 12 files outside: secrets/key");
  CHECK(cells[7].mark == report::Mark::bad);
  CHECK(cells[7].value == "10/10 (security skipped: tool missing, required)");
}

TEST_CASE("several skips list the stages; red stages come first") {
  auto r = example();
  r.stages.stages[4] = {Stage::lint, StageState::not_green, "no green result on this tree", false};
  r.stages.stages[6] = {Stage::integration, StageState::skipped, "no command configured", false};
  auto cells = report::dashboard_cells(r);
  CHECK(cells[7].value == "9/10 (not green: lint; 2 skipped: integration, security)");
  CHECK(cells[7].mark == report::Mark::bad);
}

TEST_CASE("patch coverage with no measured changed line is n/a, and fine") {
  auto r = example();
  r.patch.percent.reset();
  auto cells = report::dashboard_cells(r);
  CHECK(cells[1].mark == report::Mark::ok);
  CHECK(cells[1].value == "n/a: no measured line changed");
}

TEST_CASE("new patterns: new folders, files at the root, test files") {
  auto r = example();
  r.patterns.groups = {{".", 1, true}, {"src/new", 2, false}};
  CHECK(report::dashboard_cells(r)[5].value ==
        "1 new file in the root; new directory src/new (review)");
  r.patterns = {};
  r.patterns.new_test_files = 2;
  CHECK(report::dashboard_cells(r)[5].value == "none (2 new test files)");
}

TEST_CASE("risk and estimate lines") {
  core::Risk none;
  CHECK(report::risk_line(none, false) == "Risk: LOW (0/10) — nothing raised it");
  auto r = example();
  r.review_minutes = 95;
  CHECK(report::review_estimate_line(r) == "Review estimate: ~1 h 35 min");
  r.review_minutes = 0;
  CHECK(report::review_estimate_line(r) == "Review estimate: nothing to review (no change)");
  r.review_minutes.reset();
  r.lines.not_measured = "diff failed";
  CHECK(report::review_estimate_line(r) == "Review estimate: not measured (diff failed)");
}

TEST_CASE("color paints the marks and the level only, so columns still line up") {
  auto colored = report::dashboard_lines(example(), {true, 100});
  CHECK(colored[0].find("\x1b[") != std::string::npos);
  CHECK(colored[0].find("Test coverage     89% (threshold 80%)     ") != std::string::npos);
  CHECK(colored[4].find("MEDIUM") != std::string::npos);
  CHECK(colored[4].find("\x1b[") != std::string::npos);
}

TEST_CASE("the status summary line") {
  CHECK(report::readiness_summary(example()) ==
        "coverage 89% (min 80) · patch coverage 96% · critical paths covered · +47/-3 lines · "
        "0 new deps · risk MEDIUM (4/10)");
  auto r = example();
  r.coverage.not_measured = r.patch.not_measured = "no report";
  r.critical.declared = 0;
  r.dependencies.items = {{"go.mod", 5, "x"}};
  CHECK(report::readiness_summary(r) ==
        "coverage not measured · patch coverage not measured · +47/-3 lines · 1 new dep · "
        "risk MEDIUM (4/10)");
}
