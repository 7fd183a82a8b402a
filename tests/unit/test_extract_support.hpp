#pragma once
// Shared by the extractor's tests: the recorded samples in tests/corpus/structured/ and ways to
// feed them in (test_extract_structured*.cpp), and logs written to a temp file and read back the
// way a stage's log is (test_extract_robustness.cpp, test_extract_extractor.cpp).

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <stdlib.h>

#include "extract/extractor.hpp"
#include "extract/structured.hpp"

namespace factory::extract::testing {

// The recorded tool output (tests/corpus/structured/ in the source tree).
inline const std::filesystem::path k_samples =
    std::filesystem::path(FACTORY_SOURCE_DIR) / "tests" / "corpus" / "structured";
// The samples were recorded in a checkout at /work/main, and tools print absolute paths: the
// expectations name that recording path, so they hold wherever the tests run.
inline const std::string k_src = "/work/main/tests/corpus/structured/src";

// The recorded sample `name`, byte for byte; the test stops when it is missing.
inline std::string sample(const std::string& name) {
  std::ifstream in(k_samples / name, std::ios::binary);
  REQUIRE_MESSAGE(in, "missing sample " << name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// `text` split at newlines.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// What read_stream collected from a log.
struct Stream {
  std::vector<Finding> findings;  // from every recognised line
  std::string text;               // the text the lines stand for (go test output)
  int recognised = 0;             // lines an adapter knew
  int unrecognised = 0;           // JSON-looking lines no adapter knew
};

// Feeds a log line by line as the engine does: lines starting with '{' or '[' to parse_json_line.
inline Stream read_stream(const std::string& log) {
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

// The findings of `text` read as one document; the test stops when it is not one.
inline std::vector<Finding> document(const std::string& text) {
  auto findings = parse_document(text);
  REQUIRE(findings.has_value());
  return *findings;
}

// The first finding whose message contains `needle`; a failed check and nullptr when none does.
inline const Finding* find(const std::vector<Finding>& findings, std::string_view needle) {
  for (const auto& f : findings) {
    if (f.message.find(needle) != std::string::npos) return &f;
  }
  FAIL_CHECK("no finding says " << needle);
  return nullptr;
}

// Whether a line of the finding's context contains `needle`.
inline bool context_has(const Finding& f, std::string_view needle) {
  return std::any_of(f.context.begin(), f.context.end(),
                     [&](const auto& line) { return line.find(needle) != std::string::npos; });
}

// A fresh directory under $TMPDIR, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "factory-extract-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// Writes `text` as a stage's log file in `dir`.
inline std::filesystem::path write_log(const TempDir& dir, const std::string& text) {
  std::filesystem::path log = dir.path() / "stage.log";
  std::ofstream(log, std::ios::binary) << text;
  return log;
}

// Reads the log the way a stage's log is read: from the file, in chunks.
inline Extraction from_file(const std::string& text) {
  TempDir dir;
  return extract_file(write_log(dir, text), Options{});
}

}  // namespace factory::extract::testing
