#include <doctest/doctest.h>

#include "coverage/analysis.hpp"

using namespace factory::coverage;

namespace {

// src/pay/card.py: charge_card 10-20 (ran), refund 30-35 (never ran); src/util.py
Report sample() {
  Report r;
  FileCoverage card;
  card.path = "src/pay/card.py";
  for (int l : {10, 11, 12, 13, 14, 15, 20}) card.lines[l] = 3;
  card.lines[14] = 0;
  card.lines[15] = 0;
  for (int l : {30, 31, 32}) card.lines[l] = 0;
  card.functions = {{"Card.charge_card", 10, 20, 3}, {"Card.refund", 30, 35, 0}};
  r.files[card.path] = card;
  FileCoverage util;
  util.path = "src/util.py";
  for (int l = 1; l <= 10; ++l) util.lines[l] = l <= 8 ? 1 : 0;
  r.files[util.path] = util;
  return r;
}

const FileResult& file(const Analysis& a, const std::string& path) {
  for (const auto& f : a.files) {
    if (f.path == path) return f;
  }
  FAIL("no file " << path);
  return a.files.front();
}

}  // namespace

TEST_CASE("overall, per-file and per-function coverage") {
  Analysis a = analyze(sample(), {}, Rules{});
  CHECK(a.measured == 20);
  CHECK(a.covered == 13);
  CHECK(*a.percent == doctest::Approx(65.0));
  CHECK(file(a, "src/util.py").percent == doctest::Approx(80.0));
  REQUIRE(a.functions.size() == 2);
  CHECK(a.functions[0].name == "Card.charge_card");
  CHECK(a.functions[0].hit);
  CHECK(a.functions[0].measured == 7);
  CHECK(a.functions[0].covered == 5);
  CHECK_FALSE(a.functions[1].hit);
  CHECK(a.functions[1].percent == doctest::Approx(0.0));
  CHECK_FALSE(a.patch_percent);
  CHECK(a.passed());
}

TEST_CASE("patch coverage counts changed lines the report measures, nothing else") {
  ChangedLines changed{{"src/pay/card.py", {11, 14, 15, 16, 17}},  // 16, 17 not measured
                       {"src/util.py", {9}},
                       {"README.md", {1, 2, 3}}};  // not in the report
  Analysis a = analyze(sample(), changed, Rules{});
  CHECK(a.changed_lines == 9);
  CHECK(a.patch_measured == 4);
  CHECK(a.patch_covered == 1);
  CHECK(*a.patch_percent == doctest::Approx(25.0));
  CHECK(file(a, "src/pay/card.py").uncovered_changed == std::vector<int>{14, 15});
  CHECK(file(a, "src/util.py").uncovered_changed == std::vector<int>{9});
}

TEST_CASE("gates: minimum coverage and minimum patch coverage") {
  Rules rules;
  rules.min_percent = 80;
  rules.min_patch_percent = 90;
  Analysis a = analyze(sample(), {{"src/util.py", {8, 9}}}, rules);
  REQUIRE(a.gate_failures.size() == 2);
  CHECK(a.gate_failures[0] == "coverage 65% is below the minimum 80%");
  CHECK(a.gate_failures[1] ==
        "patch coverage 50% is below the minimum 90% (1 of 2 changed lines never ran)");
  CHECK_FALSE(a.passed());
  rules.min_percent = 65;
  rules.min_patch_percent = 50;
  CHECK(analyze(sample(), {{"src/util.py", {8, 9}}}, rules).passed());
  // Nothing measured among the changed lines: the patch gate has nothing to judge.
  CHECK(analyze(sample(), {{"README.md", {1}}}, rules).passed());
  // A report that measures nothing in the workspace fails a minimum.
  CHECK_FALSE(analyze(Report{}, {}, rules).passed());
}

TEST_CASE("percentages are shown rounded down") {
  Report r;
  r.files["a.py"].path = "a.py";
  for (int l = 1; l <= 1000; ++l) r.files["a.py"].lines[l] = l <= 799 ? 1 : 0;
  Rules rules;
  rules.min_percent = 80;
  Analysis a = analyze(r, {}, rules);
  CHECK(a.gate_failures.at(0) == "coverage 79.9% is below the minimum 80%");
}

TEST_CASE("critical glob: every changed, measured line in matching files must have run") {
  Rules rules;
  rules.critical_paths = {"src/pay/**"};
  Analysis a = analyze(sample(), {{"src/pay/card.py", {11, 14, 15}}, {"src/util.py", {9}}}, rules);
  CHECK(a.critical_total == 1);
  CHECK(a.critical_covered == 0);
  CHECK(a.critical_gap());
  REQUIRE(a.critical.size() == 1);
  CHECK(a.critical[0].uncovered == std::vector<int>{14, 15});
  CHECK(a.gate_failures.at(0) ==
        "critical path src/pay/** has 2 uncovered changed lines: src/pay/card.py:14, 15");
  REQUIRE_FALSE(a.recommendations.empty());
  CHECK(a.recommendations[0] ==
        "add a test that runs Card.charge_card (src/pay/card.py:10-20): lines 14, 15 never ran");
  // The other uncovered changed line gets its own recommendation.
  CHECK(a.recommendations.at(1) == "add a test that covers src/util.py line 9");

  Analysis ok = analyze(sample(), {{"src/pay/card.py", {11, 16}}}, rules);
  CHECK(ok.critical_total == 1);
  CHECK(ok.critical_covered == 1);
  CHECK_FALSE(ok.critical_gap());
  CHECK(ok.passed());
  // No changed line in a critical file: nothing to check.
  CHECK(analyze(sample(), {{"src/util.py", {1}}}, rules).critical_total == 0);
}

TEST_CASE("critical glob: a changed source file no test loaded is a gap") {
  Rules rules;
  rules.critical_paths = {"src/pay/**"};
  Analysis a = analyze(sample(), {{"src/pay/new.py", {1, 2}}, {"src/pay/notes.md", {1}}}, rules);
  REQUIRE(a.critical.size() == 1);  // the .md file is not something the tool measures
  CHECK(a.critical[0].not_measured);
  CHECK(a.gate_failures.at(0) ==
        "critical path src/pay/** has changed files no test loads: src/pay/new.py");
  CHECK(a.recommendations.at(0) == "add a test that loads src/pay/new.py: no test ran any of it");
}

TEST_CASE("critical functions: by full name, by last component, never run") {
  Rules rules;
  rules.critical_paths = {"refund()", "Card.charge_card()"};
  Analysis a = analyze(sample(), {{"src/pay/card.py", {11, 31}}}, rules);
  REQUIRE(a.critical.size() == 2);
  CHECK(a.critical[0].function == "Card.refund");
  CHECK(a.critical[0].uncovered == std::vector<int>{31});
  CHECK(a.critical[0].never_ran);
  CHECK(a.critical[1].function == "Card.charge_card");
  CHECK(a.critical[1].covered());
  CHECK(a.critical_covered == 1);
  CHECK(a.gate_failures.at(0) ==
        "critical function refund() has 1 uncovered changed line: src/pay/card.py:31");
  CHECK(a.recommendations.at(0) ==
        "add a test that runs Card.refund (src/pay/card.py:30-35): line 31 never ran");
  // Changed, not measured, never called.
  Analysis b = analyze(sample(), {{"src/pay/card.py", {34}}}, rules);
  REQUIRE(b.critical.size() == 1);
  CHECK(b.gate_failures.at(0) ==
        "critical function refund() (src/pay/card.py:30-35) changed but never ran");
  CHECK(b.recommendations.at(0) ==
        "add a test that calls Card.refund (src/pay/card.py:30-35): it never ran");
  // A function without changed lines is no item; an unknown name matches nothing.
  rules.critical_paths = {"refund()", "nothing_like_it()", "charge()"};
  CHECK(analyze(sample(), {{"src/pay/card.py", {11}}}, rules).critical_total == 0);
}

TEST_CASE("critical function names: Go receivers and C++ qualified names") {
  Report r;
  auto& f = r.files["limit/limiter.go"];
  f.path = "limit/limiter.go";
  f.lines = {{6, 0}, {7, 0}};
  f.functions = {{"(*Limiter).Allow", 6, 14, 0}};
  auto& c = r.files["calc.cpp"];
  c.path = "calc.cpp";
  c.lines = {{3, 1}};
  c.functions = {{"Calculator::add(double, double)", 3, 5, 1}};
  ChangedLines changed{{"limit/limiter.go", {7}}, {"calc.cpp", {3}}};
  for (const char* name : {"(*Limiter).Allow()", "Allow()", "Limiter.Allow()"}) {
    Rules rules;
    rules.critical_paths = {name};
    CHECK_MESSAGE(analyze(r, changed, rules).critical_total == 1, name);
  }
  for (const char* name : {"Calculator::add()", "add()"}) {
    Rules rules;
    rules.critical_paths = {name};
    CHECK_MESSAGE(analyze(r, changed, rules).critical_covered == 1, name);
  }
  Rules wrong;
  wrong.critical_paths = {"llow()", "Other.Allow()"};
  CHECK(analyze(r, changed, wrong).critical_total == 0);
}

TEST_CASE("files outside the workspace are carried, never counted") {
  Report r = sample();
  r.outside = {"/usr/lib/x.py"};
  Analysis a = analyze(r, {}, Rules{});
  CHECK(a.outside == std::vector<std::string>{"/usr/lib/x.py"});
  CHECK(a.measured == 20);
}
