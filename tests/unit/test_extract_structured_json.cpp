// The JSON-line adapters (extract/structured_json.cpp): go test -json, cargo and rustc JSON, GCC
// JSON, on real tool output recorded in tests/corpus/structured/ (see its README.md) and on
// hand-made edge cases.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "extract/structured.hpp"
#include "unit/test_extract_support.hpp"

using namespace factory::extract;
using namespace factory::extract::testing;

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
