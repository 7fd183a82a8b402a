#include <doctest/doctest.h>

#include <string>

#include "extract/finding_json.hpp"
#include "report/findings_format.hpp"

using factory::extract::Extraction;
using factory::extract::Finding;
using factory::extract::Severity;
using namespace factory::report;

namespace {

Finding finding(Severity severity, std::string file, int line, int column, std::string message) {
  Finding f;
  f.tool = "gcc";
  f.severity = severity;
  f.file = std::move(file);
  f.line = line;
  f.column = column;
  f.message = std::move(message);
  return f;
}

size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  size_t n = 0;
  for (const auto& line : lines) n += line.starts_with(prefix) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("github: one annotation per finding, command by severity, location when known") {
  Extraction e;
  e.findings = {finding(Severity::error, "src/a.c", 3, 5, "expected ';'"),
                finding(Severity::warning, "src/b.c", 7, 0, "unused variable 'x'"),
                finding(Severity::note, "", 0, 0, "declared here"),
                finding(Severity::info, "src/c.c", 0, 4, "info")};
  e.findings[1].code = "-Wunused-variable";
  e.summary = "1 error";
  auto lines = github_annotations(e);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "::error file=src/a.c,line=3,col=5,title=gcc::expected ';'");
  CHECK(lines[1] ==
        "::warning file=src/b.c,line=7,title=gcc -Wunused-variable::unused variable 'x'");
  CHECK(lines[2] == "::notice title=gcc::declared here");
  CHECK(lines[3] == "::notice file=src/c.c,title=gcc::info");  // no column without a line
  CHECK(lines[4] == "factory: 1 error");
}

TEST_CASE("github: escaping as the workflow command spec says") {
  CHECK(github_escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b");
  CHECK(github_escape_property("C:\\src\\a,b.c\n%") == "C%3A\\src\\a%2Cb.c%0A%25");

  Extraction e;
  e.findings = {
      finding(Severity::error, "dir,1/my file:x.py", 2, 1, "AssertionError: 49 != 50\n  at 50%")};
  auto lines = github_annotations(e);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] ==
        "::error file=dir%2C1/my file%3Ax.py,line=2,col=1,title=gcc::AssertionError: 49 != 50%0A"
        "  at 50%25");
}

TEST_CASE("github: at most 10 errors, 10 warnings and 10 notices, then how many were left out") {
  Extraction e;
  for (int i = 1; i <= 13; ++i) e.findings.push_back(finding(Severity::error, "a.c", i, 1, "e"));
  for (int i = 1; i <= 11; ++i) e.findings.push_back(finding(Severity::warning, "a.c", i, 1, "w"));
  for (int i = 1; i <= 3; ++i) e.findings.push_back(finding(Severity::note, "a.c", i, 1, "n"));
  auto lines = github_annotations(e);
  CHECK(count_prefix(lines, "::error ") == 10);
  CHECK(count_prefix(lines, "::warning ") == 10);
  CHECK(count_prefix(lines, "::notice ") == 3);
  // the most relevant ones are kept: errors 1..10
  CHECK(lines[9] == "::error file=a.c,line=10,col=1,title=gcc::e");
  REQUIRE(lines.size() == 24);
  CHECK(lines.back().starts_with("factory: 3 errors, 1 warning not annotated"));
}

TEST_CASE("github: a summary quoting the log cannot become a workflow command") {
  Extraction e;
  e.summary = "::set-env name=X::y\nsecond line";
  auto lines = github_annotations(e);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "factory: ::set-env name=X::y second line");
}

TEST_CASE("sarif: a 2.1.0 log with one result per finding in order") {
  Extraction e;
  e.findings = {finding(Severity::error, "src/a b.c", 3, 5, "expected ';'"),
                finding(Severity::warning, "/usr/include/x.h", 7, 0, "w"),
                finding(Severity::info, "", 0, 0, "no location")};
  e.findings[0].code = "E1";
  e.findings[0].context = {"  int x", "      ^"};
  e.summary = "src/a b.c:3: expected ';'";
  auto sarif = to_sarif(e);
  CHECK(sarif["version"] == "2.1.0");
  CHECK(sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  REQUIRE(sarif["runs"].size() == 1);
  const auto& run = sarif["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "factory");
  CHECK(run["tool"]["driver"]["rules"].size() == 2);  // E1 and gcc
  const auto& results = run["results"];
  REQUIRE(results.size() == 3);
  CHECK(results[0]["ruleId"] == "E1");
  CHECK(results[0]["level"] == "error");
  CHECK(results[0]["message"]["text"] == "expected ';'");
  const auto& loc = results[0]["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "src/a%20b.c");
  CHECK(loc["region"]["startLine"] == 3);
  CHECK(loc["region"]["startColumn"] == 5);
  CHECK(results[0]["properties"]["context"].size() == 2);
  CHECK(results[1]["level"] == "warning");
  CHECK(results[1]["ruleId"] == "gcc");
  CHECK(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "file:///usr/include/x.h");
  CHECK_FALSE(results[1]["locations"][0]["physicalLocation"]["region"].contains("startColumn"));
  CHECK(results[2]["level"] == "note");
  CHECK_FALSE(results[2].contains("locations"));
}

TEST_CASE("sarif: uris for Windows paths, colons and odd bytes") {
  CHECK(sarif_uri("C:\\work\\a.cpp") == "file:///C:/work/a.cpp");
  CHECK(sarif_uri("src/x.py") == "src/x.py");
  CHECK(sarif_uri("a:b/c.py") == "a%3Ab/c.py");
  CHECK(sarif_uri("100%.txt") == "100%25.txt");
}

TEST_CASE("sarif: invalid UTF-8 from the log still serialises") {
  Extraction e;
  e.findings = {finding(Severity::error, "a.c", 1, 1, std::string("bad \xff\xfe byte"))};
  auto text = factory::extract::dump_json(to_sarif(e));
  CHECK(nlohmann::json::parse(text)["runs"][0]["results"][0]["message"]["text"].is_string());
}

TEST_CASE("finding_line: compiler style, leaving out what the log did not give") {
  auto f = finding(Severity::error, "src/a.c", 3, 5, "expected ';'\nmore");
  CHECK(finding_line(f) == "src/a.c:3:5: error: expected ';'");
  f.column = 0;
  f.code = "E1";
  CHECK(finding_line(f) == "src/a.c:3: error: expected ';' [E1]");
  f.file.clear();
  f.severity = Severity::warning;
  CHECK(finding_line(f) == "gcc: warning: expected ';' [E1]");
}
