#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "extract/finding.hpp"
#include "report/root_cause.hpp"

using namespace factory;
using extract::Extraction;
using extract::Finding;
using report::render_root_cause;

namespace {

const std::filesystem::path k_ws = "/tmp/repo.factory/rate-limit";

Finding pytest_failure() {
  Finding f;
  f.tool = "pytest";
  f.file = "/tmp/repo.factory/rate-limit/tests/test_rate_limiter.py";
  f.line = 87;
  f.message = "AssertionError: 49 != 50\nmore detail";
  f.test = "test_concurrent_requests_50";
  f.context = {"    def test_concurrent_requests_50():", "        hits = run(50)",
               ">       assert hits == 50", "E       AssertionError: 49 != 50"};
  return f;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("the root cause names the test, its message and a workspace-relative file:line") {
  Extraction extraction;
  extraction.findings = {pytest_failure()};
  auto lines = render_root_cause(extraction, k_ws, false);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "ROOT CAUSE  test_concurrent_requests_50 failed: AssertionError: 49 != 50");
  CHECK(lines[1] == "            tests/test_rate_limiter.py:87");
  CHECK(lines[2] == "CONTEXT         def test_concurrent_requests_50():");
  CHECK(lines[4] == "            >       assert hits == 50");
  CHECK(lines[5] == "            E       AssertionError: 49 != 50");
}

TEST_CASE("a trailing slash on the workspace or a path with .. still comes out relative") {
  Finding f = pytest_failure();
  f.file = "/tmp/repo.factory/rate-limit/src/../calc.py";
  f.column = 5;
  CHECK(report::location(f, "/tmp/repo.factory/rate-limit/") == "calc.py:87:5");
}

TEST_CASE("a path outside the workspace or a relative one is shown as the log wrote it") {
  Finding f = pytest_failure();
  f.file = "/usr/lib/python3/dist-packages/_pytest/python.py";
  CHECK(report::location(f, k_ws) == "/usr/lib/python3/dist-packages/_pytest/python.py:87");
  f.file = "/tmp/repo.factory/rate-limit-other/x.py";  // a sibling sharing the prefix
  CHECK(report::location(f, k_ws) == "/tmp/repo.factory/rate-limit-other/x.py:87");
  f.file = "calc_test.go";
  f.line = 12;
  CHECK(report::location(f, k_ws) == "calc_test.go:12");
  CHECK(report::location(f, "") == "calc_test.go:12");
}

TEST_CASE("a workspace reached through a symlink still gives a relative path") {
  auto base = std::filesystem::temp_directory_path() / "factory-root-cause-link";
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "real" / "src");
  std::filesystem::create_directory_symlink(base / "real", base / "link");
  Finding f;
  f.file = (base / "real" / "src" / "lib.rs").string();
  f.line = 4;
  f.column = 6;
  CHECK(report::location(f, base / "link") == "src/lib.rs:4:6");
  std::filesystem::remove_all(base);
}

TEST_CASE("no file, no location line; a column only with a line") {
  Finding f;
  f.tool = "generic";
  f.message = "make: *** [Makefile:3: all] Error 1";
  Extraction extraction;
  extraction.findings = {f};
  auto lines = render_root_cause(extraction, k_ws, false);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "ROOT CAUSE  make: *** [Makefile:3: all] Error 1");
  f.file = "main.go";
  f.column = 3;
  CHECK(report::location(f, k_ws) == "main.go");
}

TEST_CASE("the headline carries the code when the message does not, and never repeats a test") {
  Finding rust;
  rust.tool = "rustc";
  rust.message = "mismatched types";
  rust.code = "E0308";
  CHECK(report::headline(rust) == "mismatched types [E0308]");
  rust.message = "error[E0308]: mismatched types";
  CHECK(report::headline(rust) == "error[E0308]: mismatched types");

  Finding go;
  go.test = "TestMul";
  go.message = "--- FAIL: TestMul (0.00s)";
  CHECK(report::headline(go) == "--- FAIL: TestMul (0.00s)");
  go.message.clear();
  CHECK(report::headline(go) == "TestMul failed");

  Finding bare;
  bare.tool = "gcc";
  CHECK(report::headline(bare) == "gcc error");
}

TEST_CASE("more findings are counted on one line, naming a few") {
  Extraction extraction;
  extraction.findings.push_back(pytest_failure());
  for (int i = 1; i <= 4; ++i) {
    Finding f;
    f.file = "/tmp/repo.factory/rate-limit/calc.py";
    f.line = i;
    f.message = "boom";
    extraction.findings.push_back(f);
  }
  auto lines = render_root_cause(extraction, k_ws, false);
  CHECK(lines.back() == "(4 more findings: calc.py:1, calc.py:2, calc.py:3, ...)");

  extraction.findings.resize(2);
  extraction.findings[1].file.clear();
  extraction.findings[1].message = "undefined: Mul";
  lines = render_root_cause(extraction, k_ws, false);
  CHECK(lines.back() == "(1 more finding: undefined: Mul)");
}

TEST_CASE("with no finding, the last 10 lines are shown") {
  Extraction extraction;
  for (int i = 1; i <= 12; ++i) extraction.last_lines.push_back("line " + std::to_string(i));
  auto lines = render_root_cause(extraction, k_ws, false);
  REQUIRE(lines.size() == 11);
  CHECK(lines[0] == "no error recognised; last 10 lines:");
  CHECK(lines[1] == "    line 3");
  CHECK(lines[10] == "    line 12");

  Extraction empty;
  lines = render_root_cause(empty, k_ws, false);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "no error recognised; the log is empty");
}

TEST_CASE("log lines are made safe for a terminal: escapes replaced, long lines cut") {
  Extraction extraction;
  extraction.last_lines = {std::string(70000, 'x'), "bell\a and \x1b[2J clear\r"};
  auto text = joined(render_root_cause(extraction, k_ws, false));
  CHECK(text.size() < 400);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\a') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find("bell? and ?[2J clear\n") != std::string::npos);
  // a cut never splits a UTF-8 character
  std::string accents;
  for (int i = 0; i < 150; ++i) accents += "é";
  auto shown = report::printable(accents);
  CHECK(shown.size() <= report::k_shown_width + 4);
  CHECK(shown.substr(shown.size() - 4) == " ...");
  CHECK((shown.size() - 4) % 2 == 0);
}

TEST_CASE("color paints the labels only when asked") {
  Extraction extraction;
  extraction.findings = {pytest_failure()};
  auto plain = joined(render_root_cause(extraction, k_ws, false));
  auto painted = joined(render_root_cause(extraction, k_ws, true));
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(painted.find("\x1b[") != std::string::npos);
  CHECK(painted.find("ROOT CAUSE") != std::string::npos);
}

TEST_CASE("blank lines at the ends of the context are left out; ./ is dropped from a path") {
  Finding f = pytest_failure();
  f.context = {"", "  ", "def test():", "", ">  assert 1 == 2", "\r", ""};
  f.file = "./calc.py";
  Extraction extraction;
  extraction.findings = {f};
  auto lines = render_root_cause(extraction, k_ws, false);
  REQUIRE(lines.size() == 5);
  CHECK(lines[1] == "            calc.py:87");
  CHECK(lines[2] == "CONTEXT     def test():");
  CHECK(lines[3] == "            ");
  CHECK(lines[4] == "            >  assert 1 == 2");
}
