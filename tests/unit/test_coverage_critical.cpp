// Critical rules on files no test loaded, files without function data, and rules that match
// nothing (docs/COVERAGE.md "Critical paths").
#include <doctest/doctest.h>

#include "coverage/analysis.hpp"
#include "coverage/readers.hpp"
#include "test_coverage_support.hpp"

using namespace factory::coverage;

namespace {

Rules critical(std::vector<std::string> rules) {
  Rules r;
  r.critical_paths = std::move(rules);
  return r;
}

// One measured file per path, every line ran.
Report measured(std::initializer_list<const char*> paths) {
  Report r;
  for (const char* p : paths) {
    r.files[p].path = p;
    r.files[p].lines = {{1, 1}, {2, 1}};
  }
  return r;
}

}  // namespace

TEST_CASE("a critical function in a changed file no test loads is a gap (Python, Go)") {
  coverage_test::Workspace ws;
  ws.write("pay/card.py", "def pay():\n    return 1\n");
  ws.write("pay/new.py", "import os\n\n\ndef charge_card(x):\n    return x\n");
  ws.write("shop/pay/pay.go", "package pay\n\nfunc Charge() int {\n\treturn 1\n}\n");
  Report r = measured({"pay/card.py", "shop/limit/limit.go"});
  ChangedLines changed{{"pay/new.py", {1, 4, 5}}, {"shop/pay/pay.go", {1, 3, 4, 5}}};
  add_unreported_sources(r, changed, ws.options());
  REQUIRE(r.unreported.count("pay/new.py"));
  Analysis a = analyze(r, changed, critical({"charge_card()", "Charge()"}));
  REQUIRE(a.critical.size() == 2);
  CHECK(a.critical[0].path == "pay/new.py");
  CHECK(a.critical[0].not_measured);
  CHECK(a.critical_covered == 0);
  CHECK(a.gate_failures.at(0) ==
        "critical function charge_card() (pay/new.py:4-5) changed, but no test loads pay/new.py");
  CHECK(a.gate_failures.at(1) ==
        "critical function Charge() (shop/pay/pay.go:3-5) changed, but "
        "no test loads shop/pay/pay.go");
  CHECK(a.recommendations.at(0) == "add a test that loads pay/new.py: no test ran any of it");
  // Unchanged functions in such a file make no item.
  CHECK(analyze(r, {{"pay/new.py", {1}}}, critical({"charge_card()"})).critical_total == 0);
}

TEST_CASE("changed files with no executable line are not 'never loaded' (Go, C/C++ headers)") {
  Report r = measured({"limiter/limiter.go", "src/calc.cpp", "src/util.hpp"});
  ChangedLines changed{{"limiter/types.go", {3, 4}},  // type Rate int; const Max Rate = 10
                       {"src/calc.hpp", {7}},         // a declaration
                       {"other/new.go", {1, 3}}};     // a package no test built
  Analysis a = analyze(r, changed, critical({"**"}));
  REQUIRE(a.critical.size() == 1);
  CHECK(a.critical[0].path == "other/new.go");
  CHECK(a.critical[0].not_measured);
}

TEST_CASE("a function rule the report has no function data for fails instead of passing") {
  Report r = measured({"src/lib.rs"});  // a report without functions for a language not scanned
  Analysis a = analyze(r, {{"src/lib.rs", {2}}}, critical({"charge()"}));
  REQUIRE(a.critical.size() == 1);
  CHECK(a.critical[0].unjudged);
  CHECK(a.critical_gap());
  CHECK(a.gate_failures.at(0) ==
        "critical function charge() cannot be checked: the report has no functions for the "
        "changed src/lib.rs");
  CHECK(a.recommendations.at(0) ==
        "name the file of charge() with a critical glob: the report has no functions for "
        "src/lib.rs");
  CHECK(render_summary(a, 20).find("✗ src/lib.rs: changed, but the report has no functions to "
                                   "find charge() in") != std::string::npos);
  // Survives the stored analysis.
  CHECK(analysis_from_json(to_json(a)).critical.at(0).unjudged);
}

TEST_CASE("critical rules that match nothing at all are warned about") {
  Report r = measured({"pay/card.py"});
  r.files["pay/card.py"].functions = {{"pay", 1, 2, 1}};
  Analysis a = analyze(r, {{"pay/card.py", {1}}}, critical({"refnud()", "src/pay/**", "pay()"}));
  CHECK(a.passed());
  CHECK(a.warnings == std::vector<std::string>{
                          "critical function refnud() matches no function in the report",
                          "critical path src/pay/** matches no file in the report or the change"});
  CHECK(render_summary(a, 20).find(
            "warning: critical function refnud() matches no function in the report") !=
        std::string::npos);
  CHECK(analysis_from_json(to_json(a)).warnings == a.warnings);
}

TEST_CASE("thresholds are shown as given, percentages rounded down") {
  Report r = measured({"a.py"});
  r.files["a.py"].lines = {{1, 1}, {2, 1}, {3, 0}};  // 66.666...%
  Rules rules;
  rules.min_percent = 66.67;
  rules.min_patch_percent = 66.67;
  Analysis a = analyze(r, {{"a.py", {1, 2, 3}}}, rules);
  CHECK(a.gate_failures.at(0) == "coverage 66.6% is below the minimum 66.67%");
  CHECK(a.gate_failures.at(1) ==
        "patch coverage 66.6% is below the minimum 66.67% (1 of 3 changed lines never ran)");
  CHECK(render_summary(a, 20).find("coverage 66.6% (2 of 3 lines, minimum 66.67%)") !=
        std::string::npos);
}
