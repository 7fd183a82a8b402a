#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

#include "core/readiness.hpp"

using namespace factory::core;

namespace {

// Ten green stages, a small measured diff, coverage above its thresholds: nothing raises risk.
Readiness clean() {
  Readiness r;
  r.tree_id = "tree";
  r.coverage = {"", 91.0, 91, 100, 80};
  r.patch = {"", 100.0, 5, 5, 90};
  r.lines = {"", 20, 3, 2, 0, SizeClass::small};
  r.boundaries.files = 2;
  for (Stage s : all_stages()) r.stages.stages.push_back({s, StageState::green, "", false});
  return r;
}

StageStatus& stage(Readiness& r, Stage s) {
  for (auto& st : r.stages.stages) {
    if (st.stage == s) return st;
  }
  throw std::logic_error("no stage");
}

std::vector<std::string> factor_names(const Risk& risk) {
  std::vector<std::string> names;
  for (const auto& f : risk.factors) names.push_back(f.name);
  return names;
}

}  // namespace

TEST_CASE("size classes: small up to 100 lines, medium up to 400, large beyond") {
  CHECK(size_class(0) == SizeClass::small);
  CHECK(size_class(100) == SizeClass::small);
  CHECK(size_class(101) == SizeClass::medium);
  CHECK(size_class(400) == SizeClass::medium);
  CHECK(size_class(401) == SizeClass::large);
  CHECK(size_name(SizeClass::medium) == "medium");
  CHECK(parse_size("large") == SizeClass::large);
  CHECK_FALSE(parse_size("huge"));
}

TEST_CASE("risk levels: LOW 0-3, MEDIUM 4-6, HIGH 7-10") {
  CHECK(risk_level(0) == RiskLevel::low);
  CHECK(risk_level(3) == RiskLevel::low);
  CHECK(risk_level(4) == RiskLevel::medium);
  CHECK(risk_level(6) == RiskLevel::medium);
  CHECK(risk_level(7) == RiskLevel::high);
  CHECK(risk_level(10) == RiskLevel::high);
  CHECK(risk_level_name(RiskLevel::medium) == "MEDIUM");
}

TEST_CASE("review estimate: lines / 10 + files / 2, to the nearest 5 minutes, at least 5") {
  CHECK(review_estimate_minutes(50, 12) == 10);  // 5 + 6 = 11
  CHECK(review_estimate_minutes(3, 1) == 5);     // 0.8, but never under 5
  CHECK(review_estimate_minutes(400, 10) == 45);
  CHECK(review_estimate_minutes(0, 0) == 0);  // nothing to review
}

TEST_CASE("percentages are shown rounded down, never overstating coverage") {
  CHECK(percent_text(89.99) == "89%");
  CHECK(percent_text(100.0) == "100%");
  CHECK(percent_text(0.4) == "0%");
}

TEST_CASE("a clean change scores zero with no factor") {
  auto r = clean();
  assess(r);
  CHECK(r.risk.score == 0);
  CHECK(r.risk.level == RiskLevel::low);
  CHECK(r.risk.factors.empty());
  CHECK(r.review_minutes == 5);
  CHECK(r.blocking_reasons().empty());
}

TEST_CASE(
    "the issue's example: new files in an existing folder and one skipped stage is MEDIUM 4") {
  auto r = clean();
  r.patterns.new_files = {"src/core/a.py", "src/core/b.py"};
  r.patterns.groups = {{"src/core", 2, true}};
  stage(r, Stage::security) = {Stage::security, StageState::skipped, "tool missing: bandit", false};
  assess(r);
  CHECK(r.risk.score == 4);
  CHECK(r.risk.level == RiskLevel::medium);
  REQUIRE(r.risk.factors.size() == 2);
  CHECK(r.risk.factors[0] == RiskFactor{"new-files", 2, "new files in src/core"});
  CHECK(r.risk.factors[1] == RiskFactor{"skipped-stages", 2, "1 skipped stage: security"});
  CHECK(r.stages.green() == 10);  // a visible skip counts as green
}

TEST_CASE("each factor adds its documented points") {
  auto r = clean();
  r.lines = {"", 300, 20, 4, 0, size_class(320)};
  r.dependencies.items = {{"requirements.txt", 3, "requests"}, {"requirements.txt", 4, "rich"}};
  r.patterns.groups = {{"src/new", 1, false}};
  assess(r);
  CHECK(factor_names(r.risk) ==
        std::vector<std::string>{"size", "new-dependencies", "new-directories"});
  CHECK(r.risk.factors[0] == RiskFactor{"size", 1, "+300/-20 lines (medium)"});
  CHECK(r.risk.factors[1] == RiskFactor{"new-dependencies", 2, "2 new dependencies"});
  CHECK(r.risk.factors[2] == RiskFactor{"new-directories", 1, "new directory src/new"});
  CHECK(r.risk.score == 4);

  r.lines = {"", 900, 0, 4, 0, size_class(900)};
  assess(r);
  CHECK(r.risk.factors[0] == RiskFactor{"size", 3, "+900/-0 lines (large)"});
}

TEST_CASE("points of repeated factors are capped, and so is the total") {
  auto r = clean();
  for (int i = 0; i < 5; ++i) r.dependencies.items.push_back({"go.mod", i + 1, "m"});
  for (Stage s : {Stage::lint, Stage::static_analysis, Stage::integration}) {
    stage(r, s).state = StageState::skipped;
  }
  assess(r);
  CHECK(r.risk.factors[0] == RiskFactor{"new-dependencies", 3, "5 new dependencies"});
  CHECK(r.risk.factors[1] ==
        RiskFactor{"skipped-stages", 4, "3 skipped stages: lint, static, integration"});
  CHECK(r.risk.score == 7);

  r.lines = {"", 2000, 0, 40, 0, SizeClass::large};
  r.boundaries.violations = {{"secrets/key", "matches forbidden glob 'secrets/**'"}};
  assess(r);
  CHECK(r.risk.score == 10);  // 3 + 3 + 4 + 3 = 13, capped
  CHECK(r.risk.level == RiskLevel::high);
}

TEST_CASE("coverage below its thresholds, or patch coverage not measured, raise risk") {
  auto r = clean();
  r.coverage.percent = 72.5;
  r.patch.percent = 60.0;
  assess(r);
  CHECK(r.risk.factors ==
        std::vector<RiskFactor>{{"coverage", 1, "coverage 72% < 80%"},
                                {"patch-coverage", 2, "patch coverage 60% < 90%"}});

  r = clean();
  r.coverage = {"coverage stage skipped (tool missing: coverage)", std::nullopt, 0, 0, 80};
  r.patch = r.coverage;
  r.patch.threshold = 90;
  assess(r);
  CHECK(r.risk.factors ==
        std::vector<RiskFactor>{{"patch-coverage", 2, "patch coverage not measured"}});

  // Measured, with no changed line the report measures: nothing to hold against a threshold.
  r = clean();
  r.patch.percent.reset();
  assess(r);
  CHECK(r.risk.factors.empty());
}

TEST_CASE("critical gaps, required skips and boundary violations block approval") {
  auto r = clean();
  r.critical = {"", 2, 1, 2, {"src/pay.py:42-44 charge_card()"}};
  stage(r, Stage::security) = {Stage::security, StageState::skipped, "tool missing: bandit", true};
  r.boundaries.violations = {{"secrets/key", "matches forbidden glob 'secrets/**'"}};
  assess(r);
  CHECK(r.blocking_reasons() ==
        std::vector<std::string>{
            "critical path not covered: src/pay.py:42-44 charge_card()",
            "required stage security was skipped (tool missing: bandit)",
            "secrets/key is outside the contract (matches forbidden glob 'secrets/**')"});
  auto names = factor_names(r.risk);
  CHECK(std::count(names.begin(), names.end(), "critical-paths") == 1);
  CHECK(std::count(names.begin(), names.end(), "boundaries") == 1);
}

TEST_CASE("what could not be checked blocks too, and is never counted as fine") {
  auto r = clean();
  r.critical = {"the coverage stage has no green result on this tree", 1, 0, 0, {}};
  r.boundaries.not_measured = "workspace missing";
  assess(r);
  CHECK(r.blocking_reasons() ==
        std::vector<std::string>{
            "the contract's critical paths could not be checked: the coverage stage has no green "
            "result on this tree",
            "the boundaries could not be re-checked: workspace missing"});
  CHECK(r.risk.factors ==
        std::vector<RiskFactor>{{"critical-paths", 3, "critical paths not measured"},
                                {"boundaries", 3, "boundaries not checked"}});

  // No critical path declared: nothing to check, nothing blocks.
  r = clean();
  r.critical.not_measured = "no coverage report";
  assess(r);
  CHECK(r.blocking_reasons().empty());
}

TEST_CASE("unmeasured diff metrics are named, and the estimate says it could not be made") {
  auto r = clean();
  r.lines.not_measured = r.patterns.not_measured = "diff failed";
  r.dependencies.not_measured = "diff failed";
  assess(r);
  CHECK(r.risk.factors ==
        std::vector<RiskFactor>{
            {"unmeasured", 3, "not measured: lines changed, dependencies, new patterns"}});
  CHECK_FALSE(r.review_minutes);
}

TEST_CASE("stages: green counts skips, not_green and required skips are listed") {
  auto r = clean();
  stage(r, Stage::lint).state = StageState::not_green;
  stage(r, Stage::security) = {Stage::security, StageState::skipped, "tool missing: bandit", true};
  CHECK(r.stages.green() == 9);
  CHECK(r.stages.not_green().size() == 1);
  CHECK(r.stages.skipped().size() == 1);
  CHECK(r.stages.required_skips().front().stage == Stage::security);
  assess(r);
  CHECK(factor_names(r.risk) == std::vector<std::string>{"skipped-stages", "stages-not-green"});
}

TEST_CASE("new patterns group by folder, test files apart") {
  PatternMetric m;
  m.groups = {{".", 1, true}, {"src/core", 2, true}, {"src/new", 1, false}};
  CHECK(m.in_existing_dirs() == 3);
  CHECK(m.new_dirs() == std::vector<std::string>{"src/new"});
  CHECK(m.existing_dirs_with_new_files() == std::vector<std::string>{"the root", "src/core"});
  CHECK(NewDependency{"requirements.txt", 3, "requests"}.text() == "requirements.txt:3 requests");
}
