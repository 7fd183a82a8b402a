// Bad input (issue 4): binary junk, invalid UTF-8, ANSI colour, CRLF, a 10 MB line, an empty log,
// interleaved streams, paths with spaces, Windows paths, no final newline. Whatever the log, the
// extractor returns (no crash, bounded), the real error is still found where there is one, and
// the result serialises to valid JSON.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/error.hpp"
#include "extract/extractor.hpp"
#include "extract/finding_json.hpp"
#include "test_extract_support.hpp"

namespace fs = std::filesystem;
using namespace factory::extract;

using namespace factory::extract::testing;

namespace {

// What `factory extract --format json` prints must always parse, whatever bytes the log had.
nlohmann::json as_json(const Extraction& extraction) {
  std::string text = dump_json(to_json(extraction));
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  REQUIRE_MESSAGE(!parsed.is_discarded(), "not valid JSON: " << text.substr(0, 300));
  REQUIRE(parsed["findings"].size() == extraction.findings.size());
  return parsed;
}

const Finding* find_at(const Extraction& extraction, const std::string& file, int line) {
  for (const auto& f : extraction.findings) {
    if (f.file == file && f.line == line) return &f;
  }
  return nullptr;
}

bool has_byte(const Finding& finding, char byte) {
  auto in = [&](const std::string& s) { return s.find(byte) != std::string::npos; };
  return in(finding.file) || in(finding.message) ||
         std::any_of(finding.context.begin(), finding.context.end(), in);
}

std::string random_bytes(size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

// Most cases bury gcc's "src/a.c:3:5: error: 'x' undeclared" in noise: it must come out whole.
void check_first_is_a_c_error(const Extraction& extraction) {
  REQUIRE(!extraction.findings.empty());
  const Finding& first = extraction.findings.front();
  CHECK(first.file == "src/a.c");
  CHECK(first.line == 3);
  CHECK(first.column == 5);
  CHECK(first.message == "'x' undeclared");
}

}  // namespace

TEST_CASE("binary junk, NUL bytes included, gives a bounded result and valid JSON") {
  std::string junk = random_bytes(4 << 20, 7);
  REQUIRE(junk.find('\0') != std::string::npos);
  Extraction extraction = from_file(junk);
  CHECK(extraction.bytes == junk.size());
  CHECK(extraction.findings.size() <= Options{}.max_findings);
  CHECK(!extraction.summary.empty());
  as_json(extraction);
}

TEST_CASE("a real error after binary junk is still the first finding") {
  std::string log = random_bytes(1 << 20, 11);
  std::replace(log.begin(), log.end(), '\x1b', '.');  // keep escapes from swallowing the newline
  log += "\nsrc/a.c:3:5: error: 'x' undeclared\n";
  Extraction extraction = from_file(log);
  check_first_is_a_c_error(extraction);
  as_json(extraction);
}

TEST_CASE("invalid UTF-8 still gives findings, and they serialise to valid JSON") {
  std::string log =
      "caf\xe9 \xff\xfe build started\n"
      "src/bad.c:3:5: error: stray '\\303' in program: caf\xc3\x28 \xf0\x28\x8c\xbc\n"
      "    3 | int caf\xe9 = 1;\n";
  Extraction extraction = from_file(log);
  REQUIRE(!extraction.findings.empty());
  CHECK(extraction.findings.front().file == "src/bad.c");
  CHECK(extraction.findings.front().line == 3);
  nlohmann::json parsed = as_json(extraction);
  CHECK(parsed["findings"][0]["file"] == "src/bad.c");
  CHECK(parsed["findings"][0]["line"] == 3);
  CHECK(parsed["findings"][0]["message"].get<std::string>().find("stray") != std::string::npos);
  CHECK(nlohmann::json::parse(dump_json(to_json(extraction.findings.front())), nullptr, false)
            .is_object());
}

TEST_CASE("ANSI colour codes around an error are stripped from the finding") {
  // gcc -fdiagnostics-color=always, as a CI log with colour forced records it.
  std::string log =
      "\x1b[32m[ 50%]\x1b[0m Building C object CMakeFiles/app.dir/a.c.o\n"
      "\x1b[01m\x1b[Ksrc/a.c:3:5:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: \x1b[m\x1b[K'x' "
      "undeclared\n"
      "    3 |   \x1b[01;31m\x1b[Kx\x1b[m\x1b[K = 1;\n";
  Extraction extraction = from_file(log);
  check_first_is_a_c_error(extraction);
  for (const auto& f : extraction.findings) CHECK_FALSE(has_byte(f, '\x1b'));
  CHECK(extraction.summary.find('\x1b') == std::string::npos);
}

TEST_CASE("a stray ESC at the end of a line does not swallow the line break") {
  // A cut-off colour sequence (the tool was killed mid-write, or the log was truncated).
  Extraction extraction = from_file("progress \x1b\nsrc/a.c:3:5: error: 'x' undeclared\n");
  REQUIRE(!extraction.findings.empty());
  CHECK(extraction.findings.front().file == "src/a.c");
  CHECK(extraction.findings.front().line == 3);
}

TEST_CASE("CRLF line endings leave no carriage return in file, message or context") {
  std::string log =
      "Build started\r\n"
      "src/a.c:3:5: error: 'x' undeclared\r\n"
      "    3 |   x = 1;\r\n"
      "Build FAILED.\r\n";
  Extraction extraction = from_file(log);
  check_first_is_a_c_error(extraction);
  for (const auto& f : extraction.findings) CHECK_FALSE(has_byte(f, '\r'));
  CHECK(extraction.summary.find('\r') == std::string::npos);
}

TEST_CASE("progress bars redrawn with a lone CR do not hide the error after them") {
  std::string log =
      "Downloading 10%\rDownloading 55%\rDownloading 100%\r"
      "src/a.c:3:5: error: 'x' undeclared\n";
  Extraction extraction = from_file(log);
  REQUIRE(!extraction.findings.empty());
  CHECK(extraction.findings.front().file == "src/a.c");
  CHECK(extraction.findings.front().line == 3);
}

TEST_CASE("a 10 MB line without newline is bounded and the error after it is still found") {
  std::string log(10 << 20, 'x');
  for (size_t i = 0; i < log.size(); i += 4096) log.replace(i, 12, " errors=0 ok");
  log += "\nsrc/a.c:7:1: error: after the long line\n";
  for (bool in_memory : {false, true}) {
    CAPTURE(in_memory);
    Extraction extraction = in_memory ? extract_text(log, Options{}) : from_file(log);
    CHECK(extraction.bytes == log.size());
    const Finding* found = find_at(extraction, "src/a.c", 7);
    REQUIRE(found != nullptr);
    CHECK(found->message == "after the long line");
    CHECK(extraction.findings.front().file == "src/a.c");
    for (const auto& f : extraction.findings) {
      for (const auto& line : f.context) CHECK(line.size() < 4096);
      CHECK(f.message.size() < (1u << 20));
    }
    for (const auto& line : extraction.last_lines) CHECK(line.size() < 4096);
  }
}

TEST_CASE("a 10 MB line that is itself an error gives a bounded message") {
  std::string log = "src/a.c:1:1: error: " + std::string(10 << 20, 'y') + "\n";
  Extraction extraction = from_file(log);
  REQUIRE(!extraction.findings.empty());
  const Finding& first = extraction.findings.front();
  CHECK(first.file == "src/a.c");
  CHECK(first.line == 1);
  CHECK(first.message.size() < (1u << 20));
  for (const auto& line : first.context) CHECK(line.size() < 4096);
  CHECK(dump_json(to_json(extraction)).size() < (2u << 20));
}

TEST_CASE("an empty log has no findings and says no error was recognised") {
  for (bool in_memory : {false, true}) {
    CAPTURE(in_memory);
    Extraction extraction = in_memory ? extract_text("", Options{}) : from_file("");
    CHECK(extraction.findings.empty());
    CHECK(extraction.summary.find("no error recognised") != std::string::npos);
    CHECK(extraction.last_lines.empty());
    CHECK(extraction.bytes == 0);
    CHECK(as_json(extraction)["findings"].empty());
  }
}

TEST_CASE("a log with no error keeps its last ten lines for the summary") {
  std::string log;
  for (int i = 1; i <= 25; ++i) log += "step " + std::to_string(i) + " ok\n";
  Extraction extraction = from_file(log);
  CHECK(extraction.findings.empty());
  CHECK(extraction.summary.find("no error recognised") != std::string::npos);
  REQUIRE(extraction.last_lines.size() == 10);
  CHECK(extraction.last_lines.front() == "step 16 ok");
  CHECK(extraction.last_lines.back() == "step 25 ok");
}

TEST_CASE("stdout lines interleaved inside a compiler error do not lose its location") {
  std::string log =
      "[ 40%] Building C object CMakeFiles/app.dir/a.c.o\n"
      "src/a.c:3:5: error: 'x' undeclared\n"
      "[ 60%] Building C object CMakeFiles/app.dir/b.c.o\n"
      "    3 |   x = 1;\n"
      "      |   ^\n"
      "[ 80%] Building C object CMakeFiles/app.dir/c.c.o\n"
      "make[2]: *** [CMakeFiles/app.dir/build.make:76: CMakeFiles/app.dir/a.c.o] Error 1\n";
  Extraction extraction = from_file(log);
  check_first_is_a_c_error(extraction);
}

TEST_CASE("a stderr error glued to a stdout fragment is still reported, best effort") {
  std::string log =
      "Scanning dependencies of target app[ 50%] Building C object a.c.o\n"
      "Linking app... src/a.c:3:5: error: 'x' undeclared\n"
      "done\n";
  Extraction extraction = from_file(log);
  REQUIRE(!extraction.findings.empty());
  CHECK(extraction.findings.front().message.find("'x' undeclared") != std::string::npos);
  CHECK(extraction.summary.find("no error recognised") == std::string::npos);
}

TEST_CASE("a path with spaces is kept whole") {
  Extraction extraction = from_file("src/my file.c:3:5: error: x\n");
  REQUIRE(!extraction.findings.empty());
  const Finding& first = extraction.findings.front();
  CHECK(first.file == "src/my file.c");
  CHECK(first.line == 3);
  CHECK(first.column == 5);
  CHECK(first.message == "x");
}

TEST_CASE("Windows paths: MSVC style and GNU style with a drive letter") {
  SUBCASE("MSVC file(line): error CODE: message") {
    Extraction extraction =
        from_file("C:\\proj\\src\\a.c(3): error C2065: 'y': undeclared identifier\r\n");
    REQUIRE(!extraction.findings.empty());
    const Finding& first = extraction.findings.front();
    CHECK(first.file == "C:\\proj\\src\\a.c");
    CHECK(first.line == 3);
    CHECK(first.code == "C2065");
    CHECK(first.message.find("undeclared identifier") != std::string::npos);
  }
  SUBCASE("MSVC with a column and spaces in the path") {
    Extraction extraction =
        from_file("C:\\Program Files\\proj\\b.cpp(12,7): error C2143: syntax error: missing ';'\n");
    REQUIRE(!extraction.findings.empty());
    const Finding& first = extraction.findings.front();
    CHECK(first.file == "C:\\Program Files\\proj\\b.cpp");
    CHECK(first.line == 12);
    CHECK(first.column == 7);
  }
  SUBCASE("GNU style with a drive letter") {
    Extraction extraction = from_file("C:\\proj\\a.c:3:5: error: boom\n");
    REQUIRE(!extraction.findings.empty());
    const Finding& first = extraction.findings.front();
    CHECK(first.file == "C:\\proj\\a.c");
    CHECK(first.line == 3);
    CHECK(first.column == 5);
    CHECK(first.message == "boom");
  }
}

TEST_CASE("a log that does not end with a newline still yields its last line") {
  std::string log = "compiling\nsrc/a.c:9:2: error: last words";
  for (bool in_memory : {false, true}) {
    CAPTURE(in_memory);
    Extraction extraction = in_memory ? extract_text(log, Options{}) : from_file(log);
    REQUIRE(!extraction.findings.empty());
    CHECK(extraction.findings.front().file == "src/a.c");
    CHECK(extraction.findings.front().line == 9);
    CHECK(extraction.findings.front().message == "last words");
    REQUIRE(!extraction.last_lines.empty());
    CHECK(extraction.last_lines.back() == "src/a.c:9:2: error: last words");
  }
}

TEST_CASE("a log of 50,000 errors keeps at most max_findings, the first one first") {
  std::string log;
  for (int i = 1; i <= 50000; ++i) log += "src/f.c:" + std::to_string(i) + ":1: error: e\n";
  Options options;
  options.max_findings = 50;
  TempDir dir;
  Extraction extraction = extract_file(write_log(dir, log), options);
  CHECK(extraction.findings.size() <= 50);
  REQUIRE(!extraction.findings.empty());
  CHECK(extraction.findings.front().line == 1);
  CHECK(extraction.lines == 50000);
}
