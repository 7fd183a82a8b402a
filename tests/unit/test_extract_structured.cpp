// The structured-output adapters (extract/structured.hpp) on real tool output recorded in
// tests/corpus/structured/ (see its README.md for the commands and versions), on hand-made edge
// cases of the formats, and on garbage, which must never throw.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "extract/structured.hpp"

namespace fs = std::filesystem;
using namespace factory::extract;

namespace {

const fs::path k_samples = fs::path(FACTORY_SOURCE_DIR) / "tests" / "corpus" / "structured";
// The samples were recorded in a checkout at /work/main, and tools print absolute paths: the
// expectations name that recording path, so they hold wherever the tests run.
const std::string k_src = "/work/main/tests/corpus/structured/src";

std::string sample(const std::string& name) {
  std::ifstream in(k_samples / name, std::ios::binary);
  REQUIRE_MESSAGE(in, "missing sample " << name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Feeds a log line by line as the engine does: lines starting with '{' or '[' to parse_json_line.
struct Stream {
  std::vector<Finding> findings;
  std::string text;
  int recognised = 0;
  int unrecognised = 0;
};

Stream read_stream(const std::string& log) {
  Stream out;
  for (const auto& line : lines_of(log)) {
    if (line.empty() || (line[0] != '{' && line[0] != '[')) continue;
    JsonLine parsed = parse_json_line(line);
    (parsed.recognised ? out.recognised : out.unrecognised)++;
    for (auto& f : parsed.findings) out.findings.push_back(f);
    out.text += parsed.text;
  }
  return out;
}

std::vector<Finding> document(const std::string& text) {
  auto findings = parse_document(text);
  REQUIRE(findings.has_value());
  return *findings;
}

const Finding* find(const std::vector<Finding>& findings, std::string_view needle) {
  for (const auto& f : findings) {
    if (f.message.find(needle) != std::string::npos) return &f;
  }
  FAIL_CHECK("no finding says " << needle);
  return nullptr;
}

bool context_has(const Finding& f, std::string_view needle) {
  return std::any_of(f.context.begin(), f.context.end(),
                     [&](const auto& line) { return line.find(needle) != std::string::npos; });
}

}  // namespace

TEST_CASE("go test -json: output events give the test's text, other events nothing") {
  Stream s = read_stream(sample("go_test_json.log"));
  CHECK(s.unrecognised == 0);
  CHECK(s.recognised == 12);
  CHECK(s.findings.empty());  // the text engine reads the failure from the text
  CHECK(s.text.find("    area_test.go:13: Area() = 7, want 12\n") != std::string::npos);
  CHECK(s.text.find("--- FAIL: TestArea (0.00s)\n") != std::string::npos);
  CHECK(s.text.find("FAIL\texample.com/shapes/shapes\t0.002s\n") != std::string::npos);

  JsonLine fail = parse_json_line(R"({"Action":"fail","Package":"p","Test":"TestX","Elapsed":0})");
  CHECK(fail.recognised);
  CHECK(fail.findings.empty());
  CHECK(fail.text.empty());
  // Colours a test printed are removed, as from any log line.
  JsonLine colour = parse_json_line(R"({"Action":"output","Output":"\u001b[31mboom\u001b[0m\n"})");
  CHECK(colour.text == "boom\n");
}

TEST_CASE("cargo --message-format=json: one finding per error or warning, summaries skipped") {
  Stream s = read_stream(sample("cargo_json.log"));
  CHECK(s.unrecognised == 0);
  CHECK(s.recognised == 4);  // three compiler-messages and build-finished
  REQUIRE(s.findings.size() == 2);
  const Finding& error = s.findings[0];
  CHECK(error.tool == "rustc");
  CHECK(error.severity == Severity::error);
  CHECK(error.file == "src/main.rs");
  CHECK(error.line == 7);
  CHECK(error.column == 18);  // the primary span, not "expected due to this"
  CHECK(error.message == "mismatched types");
  CHECK(error.code == "E0308");
  REQUIRE(!error.context.empty());
  CHECK(error.context.front() == "error[E0308]: mismatched types");
  CHECK(context_has(error, "expected `u32`, found `&str`"));
  CHECK(error.context.size() <= 10);
  const Finding& warning = s.findings[1];
  CHECK(warning.severity == Severity::warning);
  CHECK(warning.file == "src/main.rs");
  CHECK(warning.line == 2);
  CHECK(warning.column == 9);
  CHECK(warning.message == "unused variable: `unused`");
  CHECK(warning.code == "unused_variables");
  // Cargo's own stderr lines are text.
  CHECK_FALSE(parse_json_line("error: could not compile `tally` (bin \"tally\")").recognised);
}

TEST_CASE("cargo: artifacts and build-script output are recognised and give no finding") {
  JsonLine artifact = parse_json_line(
      R"({"reason":"compiler-artifact","package_id":"a 0.1.0","target":{"name":"a"},"filenames":[]})");
  CHECK(artifact.recognised);
  CHECK(artifact.findings.empty());
  JsonLine clippy = parse_json_line(
      R"({"reason":"compiler-message","message":{"message":"this looks like a loop","code":{"code":"clippy::never_loop"},"level":"error","spans":[{"file_name":"src/lib.rs","line_start":3,"column_start":5,"is_primary":true}],"rendered":"error: this looks like a loop\n"}})");
  REQUIRE(clippy.findings.size() == 1);
  CHECK(clippy.findings[0].tool == "clippy");
  CHECK(clippy.findings[0].code == "clippy::never_loop");
}

TEST_CASE("rustc --error-format=json: the same findings without cargo's envelope") {
  Stream s = read_stream(sample("rustc_json.log"));
  CHECK(s.unrecognised == 0);
  REQUIRE(s.findings.size() == 2);  // "aborting due to" and the failure-note are summaries
  CHECK(s.findings[0].code == "E0308");
  CHECK(s.findings[0].line == 7);
  CHECK(s.findings[1].severity == Severity::warning);
}

TEST_CASE("gcc -fdiagnostics-format=json: errors and warnings, notes as context") {
  std::string log = sample("gcc_json.log");
  JsonLine line = parse_json_line(lines_of(log).front());
  CHECK(line.recognised);
  auto& findings = line.findings;
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].tool == "gcc");
  CHECK(findings[0].severity == Severity::warning);
  CHECK(findings[0].file == "main.c");
  CHECK(findings[0].line == 4);
  CHECK(findings[0].column == 7);
  CHECK(findings[0].code == "-Wunused-variable");
  CHECK(findings[0].message == "unused variable \u2018unused\u2019");
  CHECK(findings[1].code == "-Wint-conversion");
  CHECK(findings[1].line == 9);
  const Finding& error = findings[2];
  CHECK(error.severity == Severity::error);
  CHECK(error.line == 11);
  CHECK(error.column == 10);
  CHECK(error.message.find("undefined_total\u2019 undeclared") != std::string::npos);
  CHECK(error.code.empty());
  REQUIRE(error.context.size() == 1);
  CHECK(error.context[0] ==
        "main.c:11:10: note: each undeclared identifier is reported only once for each "
        "function it appears in");

  // The same array pretty-printed is a document; a clean compile prints "[]".
  auto pretty = document(nlohmann::json::parse(log).dump(2));
  CHECK(pretty.size() == 3);
  JsonLine clean = parse_json_line("[]");
  CHECK(clean.recognised);
  CHECK(clean.findings.empty());
}

TEST_CASE("SARIF from eslint: every result with rule, level and location") {
  auto findings = document(sample("eslint_sarif.log"));
  REQUIRE(findings.size() == 3);
  const std::string cart = k_src + "/eslint_sarif/cart.js";
  CHECK(findings[0].tool == "ESLint");
  CHECK(findings[0].severity == Severity::warning);
  CHECK(findings[0].code == "no-unused-vars");
  CHECK(findings[0].file == cart);  // file:// URI made a path
  CHECK(findings[0].line == 2);
  CHECK(findings[0].column == 9);
  CHECK(findings[0].message == "'discount' is assigned a value but never used.");
  CHECK(findings[1].severity == Severity::error);
  CHECK(findings[1].code == "eqeqeq");
  CHECK(findings[1].line == 5);
  CHECK(findings[1].column == 20);
  CHECK(findings[2].code == "no-undef");
  CHECK(findings[2].message == "'taxRate' is not defined.");
  CHECK(findings[2].line == 8);

  // The same log compacted onto one line arrives through parse_json_line.
  JsonLine line = parse_json_line(nlohmann::json::parse(sample("eslint_sarif.log")).dump());
  CHECK(line.recognised);
  CHECK(line.findings.size() == 3);
}

TEST_CASE("SARIF: default levels, artifact indexes, URIs, related locations, passes") {
  // Hand-made from the SARIF 2.1.0 specification (OASIS), sections 3.27 and 3.4.
  auto findings = document(R"({
    "version": "2.1.0",
    "runs": [{
      "tool": {"driver": {"name": "scanner", "rules": [
        {"id": "S1", "shortDescription": {"text": "Hard-coded password"},
         "defaultConfiguration": {"level": "error"}}]}},
      "artifacts": [{"location": {"uri": "src/my%20app/db.py", "uriBaseId": "SRCROOT"}}],
      "results": [
        {"ruleId": "S1", "ruleIndex": 0, "message": {"text": "Password in source"},
         "locations": [{"physicalLocation": {"artifactLocation": {"index": 0},
                                             "region": {"startLine": 12}}}],
         "relatedLocations": [{"message": {"text": "used here"}, "physicalLocation": {
            "artifactLocation": {"uri": "src/main.py"}, "region": {"startLine": 3, "startColumn": 2}}}]},
        {"ruleId": "S1", "kind": "pass", "message": {"text": "checked"}},
        {"ruleId": "S2", "message": {}, "level": "note"},
        {"ruleId": "S3", "level": "none", "message": {"markdown": "**style**"}}
      ]
    }, {"tool": {"driver": {"name": "other"}}, "results": null}]
  })");
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].severity == Severity::error);  // the rule's default
  CHECK(findings[0].file == "src/my app/db.py");
  CHECK(findings[0].line == 12);
  CHECK(findings[0].column == 0);
  CHECK(findings[0].message == "Password in source");
  CHECK(findings[0].context == std::vector<std::string>{"src/main.py:3:2: used here"});
  CHECK(findings[1].severity == Severity::note);
  CHECK(findings[1].message == "S2");  // no text anywhere: at least the rule
  CHECK(findings[1].file.empty());
  CHECK(findings[2].severity == Severity::info);
  CHECK(findings[2].message == "**style**");
}

TEST_CASE("pytest --junitxml: each failure and error at the frame that raised") {
  auto findings = document(sample("pytest_junit.log"));
  REQUIRE(findings.size() == 4);  // passed and skipped tests are not findings
  for (const auto& f : findings) {
    CHECK(f.tool == "pytest");
    CHECK(f.severity == Severity::error);
  }
  const Finding* take = find(findings, "ValueError: only 1 pear left");
  REQUIRE(take);
  CHECK(take->test == "tests.test_inventory.test_take_too_many");
  CHECK(take->file == "inventory.py");  // the last frame: where it was raised
  CHECK(take->line == 11);
  CHECK(context_has(*take, "E           ValueError: only 1 pear left"));
  CHECK(take->context.size() <= 10);

  const Finding* counts = find(findings, "assert 2 == 3");
  REQUIRE(counts);
  CHECK(counts->file == "tests/test_inventory.py");
  CHECK(counts->line == 18);

  // The standard library's frames are not where the bug is.
  const Finding* parse = find(findings, "JSONDecodeError: Expecting property name");
  REQUIRE(parse);
  CHECK(parse->file == "tests/test_inventory.py");
  CHECK(parse->line == 22);
  CHECK(context_has(*parse, ">       json.loads(\"{not json\")"));
  CHECK(context_has(*parse, "E           json.decoder.JSONDecodeError"));

  const Finding* setup = find(findings, "RuntimeError: fixture could not open db");
  REQUIRE(setup);
  CHECK(setup->test == "tests.test_inventory.test_uses_fixture");
  CHECK(setup->file == "tests/test_inventory.py");
  CHECK(setup->line == 27);
}

TEST_CASE("pytest xunit1: the failing frame beats the testcase's file/line attributes") {
  auto findings = document(sample("pytest_junit_xunit1.log"));
  REQUIRE(findings.size() == 4);
  const Finding* take = find(findings, "only 1 pear left");
  REQUIRE(take);
  CHECK(take->file == "inventory.py");
  CHECK(take->line == 11);
  // Without a frame in the text, the attributes place it; pytest's line is 0-based.
  auto bare = document(R"(<testsuites><testsuite name="pytest">
    <testcase classname="t" name="test_x" file="tests/test_x.py" line="16">
      <failure message="boom">no frames here</failure></testcase></testsuite></testsuites>)");
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].file == "tests/test_x.py");
  CHECK(bare[0].line == 17);
}

TEST_CASE("ctest --output-junit: the failure comes from the test's output") {
  auto findings = document(sample("ctest_junit.log"));
  REQUIRE(findings.size() == 1);  // ring_smoke passed
  const Finding& f = findings[0];
  CHECK(f.tool == "ctest");
  CHECK(f.test == "ring_test");
  CHECK(f.file == k_src + "/ctest_junit/ring_test.cpp");
  CHECK(f.line == 10);
  CHECK(f.message == "Expected equality of these values:");
  CHECK(context_has(f, "Which is: 4"));
  CHECK(f.context.size() <= 10);
}

TEST_CASE("GoogleTest XML: the failed expectation, not the TEST() line") {
  auto findings = document(sample("gtest_xml.log"));
  REQUIRE(findings.size() == 1);
  const Finding& f = findings[0];
  CHECK(f.tool == "gtest");
  CHECK(f.test == "Ring.WrapsAround");
  CHECK(f.file == k_src + "/ctest_junit/ring_test.cpp");
  CHECK(f.line == 10);
  CHECK(f.message.rfind("Expected equality of these values:\n", 0) == 0);
  CHECK(f.message.find("Which is: 4") != std::string::npos);
}

TEST_CASE("generic JUnit: nested suites, go-junit-report's bare 'Failed', no failures") {
  auto findings = document(R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="outer"><testsuite name="example.com/m/calc">
  <testcase classname="calc" name="TestAdd" time="0.000">
    <failure message="Failed" type="">    calc_test.go:13: got 3 want 4</failure></testcase>
  <testcase classname="calc" name="TestOk" time="0.000"></testcase>
  <testcase classname="App" name="boots"><error message="" type="Crash">Segmentation fault
in main</error></testcase>
  <testcase classname="App" name="msvc"><failure>app_test.cpp(42): error: Value of: ok</failure>
  </testcase>
</testsuite></testsuite></testsuites>)");
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].tool == "junit");
  CHECK(findings[0].test == "calc.TestAdd");
  CHECK(findings[0].file == "calc_test.go");
  CHECK(findings[0].line == 13);
  CHECK(findings[0].message == "got 3 want 4");
  CHECK(findings[1].test == "App.boots");
  CHECK(findings[1].file.empty());
  CHECK(findings[1].message == "Segmentation fault");
  CHECK(findings[1].context == std::vector<std::string>{"Segmentation fault", "in main"});
  CHECK(findings[2].file == "app_test.cpp");
  CHECK(findings[2].line == 42);
  CHECK(findings[2].message == "error: Value of: ok");

  auto passing = parse_document(R"(<testsuite name="s"><testcase name="a"/></testsuite>)");
  REQUIRE(passing.has_value());  // a JUnit report, with nothing wrong: not text to search
  CHECK(passing->empty());
}

TEST_CASE("parse_document: anything but a known document is left to the text engine") {
  const std::vector<std::string> others = {
      "",
      "   \n\t",
      "error: something failed\n",
      "<html><body>Build failed</body></html>",
      "<?xml version=\"1.0\"?><checkstyle/>",
      "<testsuite><testcase name=\"x\"><failure>",  // truncated XML
      "{\"name\": \"package.json\", \"version\": \"1.0.0\"}",
      "[1, 2, 3]",
      "[{\"kind\": \"error\"}]",  // no message: not GCC
      "{\"runs\": []}",           // neither version nor schema
      "{\"runs\": \"x\", \"version\": \"2.1.0\"}",
      "{\"version\": \"2.1.0\", \"runs\": [",
      sample("go_test_json.log"),  // a stream of documents, not one
      "{\"a\": 1} {\"b\": 2}",
      std::string("\0\x01\xff\xfe<\x00", 6),
  };
  for (const auto& text : others) {
    CAPTURE(text);
    CHECK_FALSE(parse_document(text).has_value());
  }
  // A byte-order mark before a report is fine.
  CHECK(parse_document("\xEF\xBB\xBF" + sample("eslint_sarif.log")).has_value());
}

TEST_CASE("structured adapters survive wrong types, huge numbers and deep nesting") {
  auto weird = parse_document(R"({"version": "2.1.0", "runs": [5, {"tool": 7, "results": [
      "x", {"level": 3, "ruleId": ["r"], "message": {"text": 42},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": 9, "index": 99},
                           "region": {"startLine": 1e400, "startColumn": -4}}}]},
      {"message": {"text": "big"}, "locations": [{"physicalLocation": {
            "region": {"startLine": 99999999999999999999999, "startColumn": 4294967296}}}]}]}]})");
  if (weird) {
    for (const auto& f : *weird) {
      CHECK(f.line >= 0);
      CHECK(f.column >= 0);
    }
  }
  JsonLine spans = parse_json_line(
      R"({"reason":"compiler-message","message":{"level":"error","message":"m","spans":[{"line_start":-5,"column_start":1e300,"file_name":null,"is_primary":"yes"}],"rendered":7,"code":"E1"}})");
  CHECK(spans.recognised);
  REQUIRE(spans.findings.size() == 1);
  CHECK(spans.findings[0].line == 0);
  CHECK(spans.findings[0].column == 0);
  CHECK(spans.findings[0].code.empty());

  const std::vector<std::string> lines = {
      "[ 42%] Building CXX object foo.o",
      "{",
      "{}",
      "[]]",
      R"({"Action": 5})",
      R"({"reason":"compiler-message","message":"oops"})",
      R"([{"kind":"error","message":null,"locations":"x","children":{}}])",
      "{\"Output\": \"\xff\xfe\"}",
      std::string(200000, '['),
      std::string(100000, '{'),
  };
  for (const auto& line : lines) {
    CAPTURE(line.substr(0, 60));
    CHECK_NOTHROW(parse_json_line(line));
    CHECK_NOTHROW(parse_document(line));
  }
  CHECK_FALSE(parse_json_line("[ 42%] Building CXX object foo.o").recognised);
  CHECK_FALSE(parse_json_line("{}").recognised);
  CHECK_FALSE(parse_json_line(R"({"level":"info","msg":"server started"})").recognised);
  CHECK_NOTHROW(parse_document(std::string(100000, '<') + "testsuite>"));
  std::string deep_xml = "<testsuites>";
  for (int i = 0; i < 50000; ++i) deep_xml += "<testsuite>";
  deep_xml += "<testcase name=\"deep\"><failure message=\"m\"/></testcase>";
  for (int i = 0; i < 50000; ++i) deep_xml += "</testsuite>";
  deep_xml += "</testsuites>";
  auto deep = parse_document(deep_xml);
  REQUIRE(deep.has_value());
  CHECK(deep->size() == 1);
}

TEST_CASE("many testcases deep inside a document: each one's suite without walking up the tree") {
  // 100,000 levels and 10,000 failed testcases: walking up from each testcase would take 10^9
  // steps.
  std::string xml = "<testsuites><testsuite name=\"pytest\">";
  for (int i = 0; i < 100000; ++i) xml += "<x>";
  for (int i = 0; i < 10000; ++i) xml += "<testcase name=\"t\"><failure message=\"m\"/></testcase>";
  for (int i = 0; i < 100000; ++i) xml += "</x>";
  xml += "</testsuite><testsuite name=\"other\"><testcase name=\"u\"><failure/></testcase>";
  xml += "</testsuite></testsuites>";
  auto findings = parse_document(xml);
  REQUIRE(findings.has_value());
  REQUIRE(findings->size() == 10001);
  CHECK(findings->front().tool == "pytest");  // the innermost enclosing suite is pytest's
  CHECK(findings->back().tool == "junit");    // a sibling suite's testcase is not
}

TEST_CASE("structured adapters never throw on truncated or corrupted samples") {
  std::mt19937 random(4);  // fixed: the same corruptions every run
  for (const char* name : {"eslint_sarif.log", "pytest_junit.log", "ctest_junit.log",
                           "gtest_xml.log", "gcc_json.log", "cargo_json.log"}) {
    std::string text = sample(name);
    CAPTURE(name);
    for (size_t cut = 0; cut < text.size(); cut += 37) {
      CHECK_NOTHROW(parse_document(text.substr(0, cut)));
      CHECK_NOTHROW(parse_json_line(text.substr(0, cut)));
    }
    for (int round = 0; round < 200; ++round) {
      std::string broken = text;
      for (int i = 0; i < 4; ++i) {
        broken[random() % broken.size()] = static_cast<char>(random() % 256);
      }
      CHECK_NOTHROW(parse_document(broken));
      for (const auto& line : lines_of(broken)) CHECK_NOTHROW(parse_json_line(line));
    }
  }
}
