// Runs the extractor over the recorded corpus (tests/corpus/README.md) and errorformat's
// testdata (tests/corpus/errorformat/, MIT, see its LICENSE).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "extract/extractor.hpp"

namespace fs = std::filesystem;
using namespace factory::extract;

namespace {

const fs::path k_corpus = fs::path(FACTORY_SOURCE_DIR) / "tests" / "corpus";

struct Expected {
  std::string file;
  int line = 0;
  int column = 0;
  std::string severity;
  std::string text;
  std::string raw;
};

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& text, char separator, size_t parts) {
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() + 1 < parts) {
    size_t at = text.find(separator, start);
    if (at == std::string::npos) break;
    out.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  out.push_back(text.substr(start));
  return out;
}

std::vector<Expected> read_expected(const fs::path& path) {
  std::vector<Expected> out;
  for (const auto& line : read_lines(path)) {
    if (line.empty() || line[0] == '#') continue;
    auto parts = split(line, '|', 4);
    REQUIRE_MESSAGE(parts.size() == 4, path.string() << ": bad line: " << line);
    Expected e;
    e.file = parts[0];
    std::istringstream where(parts[1]);
    where >> e.line;
    std::string col;
    if (where >> col && col == "col") where >> e.column;
    e.severity = parts[2];
    e.text = parts[3];
    e.raw = line;
    out.push_back(e);
  }
  return out;
}

bool matches(const Finding& f, const Expected& e) {
  return f.file == e.file && f.line == e.line && (e.column == 0 || f.column == e.column) &&
         severity_name(f.severity) == e.severity && f.message.find(e.text) != std::string::npos;
}

std::string describe(const Finding& f) {
  return fmt::format("{}|{} col {}|{}|{} [{}]", f.file, f.line, f.column, severity_name(f.severity),
                     f.message, f.tool);
}

std::vector<fs::path> corpus_logs() {
  std::vector<fs::path> logs;
  if (!fs::exists(k_corpus)) return logs;
  for (const auto& entry : fs::recursive_directory_iterator(k_corpus)) {
    const auto& path = entry.path();
    if (path.extension() == ".log" && fs::exists(fs::path(path).replace_extension(".expected"))) {
      logs.push_back(path);
    }
  }
  std::sort(logs.begin(), logs.end());
  return logs;
}

}  // namespace

TEST_CASE("corpus: every recorded case gives its expected findings, root cause first") {
  auto logs = corpus_logs();
  CHECK(!logs.empty());
  for (const auto& log : logs) {
    auto name = fs::relative(log, k_corpus).string();
    CAPTURE(name);
    auto expected = read_expected(fs::path(log).replace_extension(".expected"));
    auto comments = read_lines(fs::path(log).replace_extension(".expected"));
    CHECK_MESSAGE(std::any_of(comments.begin(), comments.end(),
                              [](const auto& l) { return l.rfind("# tool:", 0) == 0; }),
                  name << " records no tool version");
    REQUIRE_MESSAGE(!expected.empty(), name << " expects no finding");
    auto result = extract_file(log, {});
    std::string got;
    for (const auto& f : result.findings) got += "\n  " + describe(f);
    REQUIRE_MESSAGE(!result.findings.empty(), name << ": no findings");
    CHECK_MESSAGE(matches(result.findings.front(), expected.front()),
                  name << ": first finding should be " << expected.front().raw << "\ngot:" << got);
    for (const auto& e : expected) {
      CHECK_MESSAGE(std::any_of(result.findings.begin(), result.findings.end(),
                                [&](const Finding& f) { return matches(f, e); }),
                    name << ": missing " << e.raw << "\ngot:" << got);
    }
  }
}

namespace {

struct OkEntry {
  std::string file;
  int line = 0;
  std::string message;
};

std::vector<OkEntry> read_ok(const fs::path& path) {
  std::vector<OkEntry> out;
  for (const auto& line : read_lines(path)) {
    auto parts = split(line, '|', 3);
    if (parts.size() < 3) continue;  // a continuation line of the previous message
    OkEntry entry{parts[0], 0, parts[2]};
    std::istringstream(parts[1]) >> entry.line;
    auto first = entry.message.find_first_not_of(' ');
    entry.message = first == std::string::npos ? "" : entry.message.substr(first);
    out.push_back(entry);
  }
  return out;
}

// errorformat's *.ok entry is found when a finding has its file and line; an entry without a file
// (a message about no file) is found when a finding says the same thing.
bool found(const std::vector<Finding>& findings, const OkEntry& entry) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    if (entry.file.empty()) return entry.message.find(f.message) != std::string::npos;
    return f.file == entry.file && f.line == entry.line;
  });
}

}  // namespace

TEST_CASE("errorformat: the formats issue 4 lists find every file|line of errorformat's *.ok") {
  const fs::path dir = k_corpus / "errorformat";
  REQUIRE(fs::exists(dir));
  const std::set<std::string> in_scope = {
      "bandit",         "black",  "cargo-check", "clippy", "eslint",
      "eslint-compact", "flake8", "govet",       "mypy",   "tsc"};
  int total = 0, hits = 0, scope_total = 0, scope_hits = 0;
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".in") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& in : inputs) {
    auto name = in.stem().string();
    auto ok = read_ok(fs::path(in).replace_extension(".ok"));
    auto result = extract_file(in, {});
    int got = static_cast<int>(std::count_if(
        ok.begin(), ok.end(), [&](const OkEntry& e) { return found(result.findings, e); }));
    total += static_cast<int>(ok.size());
    hits += got;
    MESSAGE(fmt::format("errorformat {:<16} {}/{}", name, got, ok.size()));
    if (in_scope.contains(name)) {
      scope_total += static_cast<int>(ok.size());
      scope_hits += got;
      for (const auto& e : ok) {
        CHECK_MESSAGE(found(result.findings, e),
                      name << ": missing " << e.file << "|" << e.line << " " << e.message);
      }
    }
  }
  MESSAGE(fmt::format("errorformat score: in scope {}/{}, all formats {}/{}", scope_hits,
                      scope_total, hits, total));
}

TEST_CASE(
    "go test -v and -json: a passing test's t.Log and a failed subtest's parent are no findings") {
  for (const char* name : {"go-test/verbose.log", "go-test/json.log"}) {
    CAPTURE(name);
    auto result = extract_file(k_corpus / name, {});
    std::string got;
    for (const auto& f : result.findings) got += "\n  " + describe(f);
    REQUIRE_MESSAGE(result.findings.size() >= 2, "got:" << got);
    CHECK(describe(result.findings[0]).starts_with("calc_test.go|13 col 0|error|TestAdd failed"));
    CHECK(describe(result.findings[1]).starts_with("calc_test.go|29 col 0|error|TestAbs/negative"));
    for (const auto& f : result.findings) {
      CAPTURE(describe(f));
      CHECK(f.file != "log_test.go");  // TestAddLogs passed: its t.Log is no error
      CHECK((f.test.empty() || f.file == "calc_test.go"));  // no line-less TestAdd or TestAbs
    }
  }
}

TEST_CASE("go test -v table test: the failing case's findings only, its t.Fatalf line first") {
  auto result = extract_file(k_corpus / "go-test/verbose_table.log", {});
  REQUIRE(!result.findings.empty());
  CHECK(result.findings[0].line == 17);
  for (const auto& f : result.findings) {
    CAPTURE(describe(f));
    CHECK((f.test.empty() || f.test == "TestSquare/n=3"));  // n=1, 2 and 4 passed
  }
}
