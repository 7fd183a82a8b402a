// The JUnit XML adapter (extract/structured_junit.cpp): pytest, ctest, GoogleTest and generic
// JUnit reports, recorded in tests/corpus/structured/ or hand-made, and deep documents.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "extract/structured.hpp"
#include "unit/test_extract_support.hpp"

using namespace factory::extract;
using namespace factory::extract::testing;

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
