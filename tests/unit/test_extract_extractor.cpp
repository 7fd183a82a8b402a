// extractor.cpp: reading a log from a file or a descriptor, and the whole-document path
// (SARIF, JUnit XML) with its bounds.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"
#include "extract/extractor.hpp"
#include "test_extract_support.hpp"

namespace fs = std::filesystem;
using namespace factory::extract;
using namespace factory::extract::testing;

TEST_CASE("a read that fails is an error naming the input, not an empty log") {
  int fd = ::open(fs::temp_directory_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  try {
    extract_fd(fd, {}, "standard input");
    FAIL("expected an error");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::usage);
    CHECK(std::string(e.what()).starts_with("cannot read standard input: "));
  }
  ::close(fd);
}

TEST_CASE("a document with no failure keeps its last lines for 'no error recognised'") {
  Extraction extraction = from_file(
      "<?xml version=\"1.0\"?>\n<testsuites>\n<testsuite name=\"s\" tests=\"1\">\n"
      "<testcase name=\"t\"/>\n</testsuite>\n</testsuites>\n");
  CHECK(extraction.findings.empty());
  REQUIRE(!extraction.last_lines.empty());
  CHECK(extraction.last_lines.back() == "</testsuites>");
}

TEST_CASE("past max_findings a document's first located failure is still the root cause") {
  // t0 names no file: the first more relevant failure past the cap (t200) takes its place, and
  // must not take its place in the order too.
  std::string xml =
      "<testsuite name=\"s\">\n<testcase name=\"t0\"><failure message=\"m0\"/></testcase>\n";
  for (int i = 1; i <= 1000; ++i) {
    xml += fmt::format(
        "<testcase name=\"t{0}\" file=\"a.py\" line=\"{0}\"><failure "
        "message=\"m{0}\"/></testcase>\n",
        i);
  }
  xml += "</testsuite>\n";
  Extraction extraction = from_file(xml);
  REQUIRE(extraction.findings.size() == Options{}.max_findings);
  CHECK(extraction.findings[0].message == "t1 failed: m1");
  CHECK(extraction.findings[1].message == "t2 failed: m2");
  CHECK(extraction.findings.back().message == "t200 failed: m200");
}

TEST_CASE("SARIF results find their rule by id among thousands of rules") {
  nlohmann::json rules = nlohmann::json::array();
  nlohmann::json results = nlohmann::json::array();
  for (int i = 0; i < 5000; ++i) {
    rules.push_back({{"id", fmt::format("R{}", i)},
                     {"defaultConfiguration", {{"level", i == 4999 ? "error" : "note"}}}});
    results.push_back({{"ruleId", fmt::format("X{}", i)}, {"message", {{"text", "unknown"}}}});
  }
  results.push_back({{"ruleId", "R4999"}, {"message", {{"text", "the last rule"}}}});
  nlohmann::json sarif = {
      {"version", "2.1.0"},
      {"runs",
       {{{"tool", {{"driver", {{"name", "lint"}, {"rules", rules}}}}}, {"results", results}}}}};
  Extraction extraction = from_file(sarif.dump(1));
  REQUIRE(!extraction.findings.empty());
  CHECK(extraction.findings[0].message == "the last rule");  // its rule's level: error
  CHECK(extraction.findings[0].severity == Severity::error);
}

TEST_CASE("a minified document longer than the first read is a document wherever the read ends") {
  // The first 64 KiB end inside the one line; the byte there may be any, '}' included.
  auto sarif_with_padding = [](size_t pad) {
    nlohmann::json results = nlohmann::json::array();
    for (int i = 0; i < 600; ++i) {
      results.push_back(
          {{"ruleId", "R"},
           {"level", i == 0 ? "error" : "note"},
           {"message", {{"text", i == 0 ? "the error" : std::string(pad, 'x')}}},
           {"locations",
            {{{"physicalLocation",
               {{"artifactLocation", {{"uri", "a.js"}}}, {"region", {{"startLine", i + 1}}}}}}}}});
    }
    return nlohmann::json{
        {"version", "2.1.0"},
        {"runs", {{{"tool", {{"driver", {{"name", "lint"}}}}}, {"results", results}}}}}
        .dump();
  };
  std::string doc;
  for (size_t pad = 0; pad < 64; ++pad) {
    doc = sarif_with_padding(pad);
    if (doc.size() > 65536 && doc[65535] == '}') break;
  }
  REQUIRE(doc[65535] == '}');
  Extraction extraction = from_file(doc);
  REQUIRE(!extraction.findings.empty());
  CHECK(extraction.findings[0].message == "the error");
  CHECK(extraction.findings[0].file == "a.js");
}
