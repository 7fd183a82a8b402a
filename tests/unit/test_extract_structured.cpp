// Document detection and dispatch (extract/structured.cpp): what parse_document leaves to the
// text engine, and garbage, wrong types and corrupted samples, which no adapter may throw on.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "extract/structured.hpp"
#include "unit/test_extract_support.hpp"

using namespace factory::extract;
using namespace factory::extract::testing;

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
