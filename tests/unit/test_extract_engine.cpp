// The extraction engine against small hand-written pattern tables: what the format data can
// express (multi-line findings, frames, headers, priorities) and how findings are ranked.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "core/error.hpp"
#include "extract/extractor.hpp"
#include "extract/finding_json.hpp"

using namespace factory::extract;

namespace {

Options with(std::string_view toml) {
  Options options;
  options.user_patterns = parse_patterns(toml, "test.toml");
  return options;
}

constexpr std::string_view k_blocks = R"toml(
[[pattern]]
tool = "rustish"
kind = "start"
regex = '^(?P<severity>error|warning)(?:\[(?P<code>E\d+)\])?: (?P<message>.+)$'
[[pattern]]
tool = "rustish"
kind = "continue"
regex = '^\s*--> (?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+)$'
[[pattern]]
tool = "rustish"
kind = "continue"
regex = '^\s*(?:\d+\s*)?\|.*$'

[[pattern]]
tool = "pyish"
kind = "start"
regex = '^Traceback \(most recent call last\):$'
frames = "last"
[[pattern]]
tool = "pyish"
kind = "frame"
regex = '^  File "(?P<file>[^"]+)", line (?P<line>\d+)'
[[pattern]]
tool = "pyish"
kind = "continue"
regex = '^    '
[[pattern]]
tool = "pyish"
kind = "end"
regex = '^(?P<message>\w+(?:Error|Exception)\b.*)$'
)toml";

// eslint's stylish layout, and another tool's line that is no part of it.
constexpr std::string_view k_stylish = R"toml(
[[pattern]]
tool = "stylish"
kind = "header"
regex = '^(?P<file>\S+\.js)$'
[[pattern]]
tool = "stylish"
regex = '^\s+(?P<line>\d+):(?P<col>\d+)\s+(?P<severity>error|warning)\s+(?P<message>.+)$'
[[pattern]]
tool = "deploy"
regex = '^DEPLOY FAILED: (?P<message>.+)$'
)toml";

// go test -v's layout: "=== RUN" names the running test, its t.Error/t.Log lines are notes,
// "--- FAIL:" says which test failed without saying where and "--- PASS:" which one passed.
constexpr std::string_view k_go_test_v = R"toml(
[[pattern]]
tool = "gotest"
kind = "header"
regex = '^=== (?:RUN|CONT)\s+(?P<test>\S+)$'
[[pattern]]
tool = "gotest"
regex = '^\s+(?P<file>\S+\.go):(?P<line>\d+): (?P<message>.*)$'
severity = "note"
[[pattern]]
tool = "gotest"
group = "fail"
regex = '^\s*--- FAIL: (?P<test>\S+) .*$'
[[pattern]]
tool = "gotest"
kind = "passed"
regex = '^\s*--- PASS: (?P<test>\S+) .*$'
)toml";

}  // namespace

TEST_CASE("a multi-line finding takes its location from a continuation line") {
  auto result = extract_text(
      "   Compiling demo v0.1.0\n"
      "warning: unused variable: `x`\n"
      " --> src/lib.rs:2:9\n"
      "  |\n"
      "error[E0308]: mismatched types\n"
      " --> src/lib.rs:4:18\n"
      "  |\n"
      "4 |     let y: i32 = \"a\";\n"
      "  |            ---   ^^^ expected `i32`, found `&str`\n"
      "\n",
      with(k_blocks));
  REQUIRE(result.findings.size() >= 2);
  const auto& first = result.findings[0];
  CHECK(first.severity == Severity::error);  // the error outranks the earlier warning
  CHECK(first.file == "src/lib.rs");
  CHECK(first.line == 4);
  CHECK(first.column == 18);
  CHECK(first.code == "E0308");
  CHECK(first.message == "mismatched types");
  CHECK(first.context.size() >= 4);
  CHECK(result.findings[1].severity == Severity::warning);
  CHECK(result.findings[1].line == 2);
}

TEST_CASE("a traceback points at its innermost frame in the project, not the library") {
  auto result = extract_text(
      "Traceback (most recent call last):\n"
      "  File \"app/main.py\", line 12, in <module>\n"
      "    run()\n"
      "  File \"app/main.py\", line 8, in run\n"
      "    json.loads(data)\n"
      "  File \"/usr/lib/python3.11/json/__init__.py\", line 346, in loads\n"
      "    return _default_decoder.decode(s)\n"
      "ValueError: Expecting value: line 1 column 1 (char 0)\n",
      with(k_blocks));
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].file == "app/main.py");
  CHECK(result.findings[0].line == 8);
  CHECK(result.findings[0].message == "ValueError: Expecting value: line 1 column 1 (char 0)");
}

TEST_CASE("a header line names the file of the findings under it") {
  auto options = with(k_stylish);
  auto result =
      extract_text("\nsrc/a.js\n  2:10  warning  quotes\n  3:1  error  no-undef\n", options);
  REQUIRE(result.findings.size() == 2);
  CHECK(result.findings[0].file == "src/a.js");
  CHECK(result.findings[0].line == 3);
  CHECK(result.findings[1].line == 2);
}

TEST_CASE("a header names the file only for its group's lines, up to a blank line") {
  auto options = with(k_stylish);
  auto result = extract_text(
      "src/a.js\n  3:1  error  no-undef\nDEPLOY FAILED: quota\n\n  7:2  error  stray\n", options);
  REQUIRE(result.findings.size() == 3);
  CHECK(result.findings[0].file == "src/a.js");
  CHECK(result.findings[1].tool == "deploy");
  CHECK(result.findings[1].file.empty());  // another tool's line is not in a.js
  CHECK(result.findings[2].line == 7);
  CHECK(result.findings[2].file.empty());  // the blank line ended a.js's block
}

TEST_CASE("a test's note locates its failure; notes of passing tests are dropped") {
  auto options = with(k_go_test_v);
  auto result = extract_text(
      "=== RUN   TestOk\n    a_test.go:3: just logging\n--- PASS: TestOk (0.00s)\n"
      "=== RUN   TestAbs\n=== RUN   TestAbs/neg\n    a_test.go:9: Abs(-1) = -1\n"
      "--- FAIL: TestAbs (0.00s)\n    --- FAIL: TestAbs/neg (0.00s)\n",
      options);
  REQUIRE(result.findings.size() == 1);  // not TestOk's log, not the parent TestAbs
  CHECK(result.findings[0].severity == Severity::error);
  CHECK(result.findings[0].line == 9);
  CHECK(result.findings[0].message == "TestAbs/neg failed: Abs(-1) = -1");
}

TEST_CASE("a test's notes belong to its latest run: the same name passing in another package") {
  auto result = extract_text(
      "=== RUN   TestParse\n    a_test.go:6: parsed 3 items\n--- PASS: TestParse (0.00s)\n"
      "ok  \texample.com/a\t0.01s\n"
      "=== RUN   TestParse\n    b_test.go:9: want 4 items\n--- FAIL: TestParse (0.00s)\n",
      with(k_go_test_v));
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].file == "b_test.go");
  CHECK(result.findings[0].line == 9);
}

TEST_CASE("a failed test's last note leads, whatever other output came between its notes") {
  auto result = extract_text(
      "=== RUN   TestMany\n    m_test.go:3: step 1 ok\n    m_test.go:4: step 2 ok\n"
      "=== RUN   TestMany/sub\n    m_test.go:5: sub ok\n=== CONT  TestMany\n"
      "    m_test.go:6: step 3 ok\n    m_test.go:7: step 4 ok\n    m_test.go:9: the real failure\n"
      "--- FAIL: TestMany (0.00s)\n    --- PASS: TestMany/sub (0.00s)\n",
      with(k_go_test_v));
  REQUIRE(!result.findings.empty());
  CHECK(result.findings[0].line == 9);  // t.Fatal's line is a test's last
  CHECK(result.findings[0].message == "TestMany failed: the real failure");
  for (const auto& f : result.findings) CHECK(f.test != "TestMany/sub");  // it passed
}

TEST_CASE("a test that prints an empty line is still the test its notes belong to") {
  auto result = extract_text(
      "=== RUN   TestFails\n\n    f_test.go:7: bad\n--- FAIL: TestFails (0.00s)\n"
      "=== RUN   TestOk\n\n    f_test.go:11: fine\n--- PASS: TestOk (0.00s)\n",
      with(k_go_test_v));
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].line == 7);
  CHECK(result.findings[0].message == "TestFails failed: bad");
}

TEST_CASE("notes of passing tests do not take the places of the findings kept") {
  std::string log;
  for (int i = 0; i < 250; ++i) {
    log += fmt::format(
        "=== RUN   TestOk{0}\n    ok_test.go:{0}: fine\n--- PASS: TestOk{0} (0.00s)\n", i + 1);
  }
  log += "=== RUN   TestLast\n    last_test.go:5: broken\n--- FAIL: TestLast (0.00s)\n";
  auto result = extract_text(log, with(k_go_test_v));
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].file == "last_test.go");
  CHECK(result.findings[0].line == 5);
}

TEST_CASE("a line caused by an earlier error ranks after it, whatever the order in the log") {
  auto options = with(R"toml(
[[pattern]]
tool = "make"
regex = '^make: \*\*\* \[(?P<file>[^:]+):(?P<line>\d+): .*\] (?P<message>Error \d+)$'
priority = -100
[[pattern]]
tool = "cc"
regex = '^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error): (?P<message>.*)$'
)toml");
  auto result = extract_text(
      "make: *** [Makefile:3: all] Error 1\nsrc/a.c:4:5: error: expected ';'\n", options);
  REQUIRE(result.findings.size() == 2);
  CHECK(result.findings[0].file == "src/a.c");
  CHECK(result.findings[1].file == "Makefile");
}

TEST_CASE("an unknown tool still gets a useful finding from the generic fallback") {
  auto result = extract_text("starting\nconnecting to db\nError: connection refused\nbye\n", {});
  REQUIRE(!result.findings.empty());
  CHECK(result.findings[0].tool == "generic");
  CHECK(result.findings[0].message.find("connection refused") != std::string::npos);
  CHECK(result.summary.find("connection refused") != std::string::npos);
}

TEST_CASE("a known tool's warning does not hide an error only the generic fallback sees") {
  auto result = extract_text(
      "src/a.c:1:2: warning: unused variable 'x' [-Wunused-variable]\n"
      "Error: upload to registry failed\n",
      {});
  REQUIRE(result.findings.size() == 2);
  CHECK(result.findings[0].tool == "generic");
  CHECK(result.findings[0].message.find("upload to registry failed") != std::string::npos);
  CHECK(result.findings[1].severity == Severity::warning);

  // A known tool's error is enough: then the generic lines are repeats of it or its echoes.
  auto known = extract_text("src/a.c:1:2: error: 'x' undeclared\nError: build failed\n", {});
  REQUIRE(known.findings.size() == 1);
  CHECK(known.findings[0].file == "src/a.c");
}

TEST_CASE("a line caused by the error does not hide the error only the fallback knows") {
  auto result =
      extract_text("Error: upload failed: 403\nmake: *** [Makefile:3: deploy] Error 1\n", {});
  REQUIRE(!result.findings.empty());
  CHECK(result.findings[0].message.find("upload failed: 403") != std::string::npos);
}

TEST_CASE("a log with no error says so and keeps the last ten lines") {
  std::string log;
  for (int i = 1; i <= 30; ++i) log += "line " + std::to_string(i) + "\n";
  auto result = extract_text(log, {});
  CHECK(result.findings.empty());
  CHECK(result.summary == "no error recognised");
  REQUIRE(result.last_lines.size() == 10);
  CHECK(result.last_lines.front() == "line 21");
  CHECK(result.last_lines.back() == "line 30");
  CHECK(result.lines == 30);
}

TEST_CASE("a finding split across read chunks is still whole, with its context") {
  std::string log;
  while (log.size() < (1 << 20) - 40) log += "INFO 12:00:01 request ok id=42 errors=0\n";
  log += "error[E0308]: mismatched types\n --> src/lib.rs:4:18\n  |\n";
  for (int i = 0; i < 1000; ++i) log += "INFO done\n";
  auto result = extract_text(log, with(k_blocks));
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].file == "src/lib.rs");
  CHECK(result.findings[0].line == 4);
  CHECK(result.findings[0].context.front().find("INFO") != std::string::npos);
}

TEST_CASE("user patterns are checked: a bad regex is an error naming the file and key") {
  try {
    parse_patterns("[[pattern]]\ntool = \"x\"\nregex = '^(unclosed'\n", ".factory.toml");
    FAIL("expected an error");
  } catch (const factory::core::Error& e) {
    std::string what = e.what();
    CHECK(what.find(".factory.toml:3:") != std::string::npos);
    CHECK(what.find("pattern[0].regex") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_patterns("[[pattern]]\ntool = \"x\"\nregex = 'a'\nkind = \"later\"\n", "f"),
                  factory::core::Error);
  CHECK_THROWS_AS(parse_patterns("[[pattern]]\ntool = \"x\"\nregex = '(?P<where>a)'\n", "f"),
                  factory::core::Error);
}

TEST_CASE("(?<name>...) groups are accepted as well as RE2's (?P<name>...)") {
  auto options = with(
      "[[pattern]]\ntool = \"t\"\nregex = '^(?<file>\\w+\\.x):(?<line>\\d+) (?<message>.*)$'\n");
  auto result = extract_text("a.x:3 broken\n", options);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].file == "a.x");
  CHECK(result.findings[0].line == 3);
}

TEST_CASE("the JSON form is one document with the documented keys") {
  auto result = extract_text("src/a.c:4:5: error: bad \xff byte\n", {});
  auto text = dump_json(to_json(result));
  auto parsed = nlohmann::json::parse(text);
  REQUIRE(parsed["findings"].size() == 1);
  auto finding = parsed["findings"][0];
  for (const char* key :
       {"tool", "severity", "file", "line", "column", "message", "code", "context"}) {
    CHECK(finding.contains(key));
  }
  CHECK(finding["line"] == 4);
  CHECK(parsed["summary"].is_string());
}

TEST_CASE("patterns that are each fine but too large together are a usage error, not a crash") {
  std::string regex = "(?P<message>";
  for (int i = 0; i < 100; ++i) regex += "\\w{1000}";
  regex += ")";
  std::string toml;
  for (const char* tool : {"one", "two"}) {
    toml += fmt::format("[[pattern]]\ntool = \"{}\"\nregex = '{}'\n", tool, regex);
  }
  auto options = with(toml);  // each regex alone compiles
  try {
    extract_text("x.c:1:2: error: b\n", options);
    FAIL("expected an error");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::usage);
    CHECK(std::string(e.what()).find("do not fit RE2's memory bound") != std::string::npos);
    CHECK(e.hint().find("[[extract.patterns]]") != std::string::npos);
  }
}
