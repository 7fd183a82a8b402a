// The SARIF adapter (extract/structured_sarif.cpp), on eslint's recorded output in
// tests/corpus/structured/ and on hand-made cases from the SARIF 2.1.0 specification.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "extract/structured.hpp"
#include "unit/test_extract_support.hpp"

using namespace factory::extract;
using namespace factory::extract::testing;

TEST_CASE("SARIF from eslint: every result with rule, level and location") {
  auto findings = document(sample("eslint_sarif.log"));
  REQUIRE(findings.size() == 3);
  const std::string cart = k_src + "/eslint_sarif/cart.js";
  CHECK(findings[0].tool == "ESLint");
  CHECK(findings[0].severity == Severity::warning);
  CHECK(findings[0].code == "no-unused-vars");
  CHECK(findings[0].file == cart);  // file:// URI made a path
  CHECK(findings[0].line == 2);
  CHECK(findings[0].column == 9);
  CHECK(findings[0].message == "'discount' is assigned a value but never used.");
  CHECK(findings[1].severity == Severity::error);
  CHECK(findings[1].code == "eqeqeq");
  CHECK(findings[1].line == 5);
  CHECK(findings[1].column == 20);
  CHECK(findings[2].code == "no-undef");
  CHECK(findings[2].message == "'taxRate' is not defined.");
  CHECK(findings[2].line == 8);

  // The same log compacted onto one line arrives through parse_json_line.
  JsonLine line = parse_json_line(nlohmann::json::parse(sample("eslint_sarif.log")).dump());
  CHECK(line.recognised);
  CHECK(line.findings.size() == 3);
}

TEST_CASE("SARIF: default levels, artifact indexes, URIs, related locations, passes") {
  // Hand-made from the SARIF 2.1.0 specification (OASIS), sections 3.27 and 3.4.
  auto findings = document(R"({
    "version": "2.1.0",
    "runs": [{
      "tool": {"driver": {"name": "scanner", "rules": [
        {"id": "S1", "shortDescription": {"text": "Hard-coded password"},
         "defaultConfiguration": {"level": "error"}}]}},
      "artifacts": [{"location": {"uri": "src/my%20app/db.py", "uriBaseId": "SRCROOT"}}],
      "results": [
        {"ruleId": "S1", "ruleIndex": 0, "message": {"text": "Password in source"},
         "locations": [{"physicalLocation": {"artifactLocation": {"index": 0},
                                             "region": {"startLine": 12}}}],
         "relatedLocations": [{"message": {"text": "used here"}, "physicalLocation": {
            "artifactLocation": {"uri": "src/main.py"}, "region": {"startLine": 3, "startColumn": 2}}}]},
        {"ruleId": "S1", "kind": "pass", "message": {"text": "checked"}},
        {"ruleId": "S2", "message": {}, "level": "note"},
        {"ruleId": "S3", "level": "none", "message": {"markdown": "**style**"}}
      ]
    }, {"tool": {"driver": {"name": "other"}}, "results": null}]
  })");
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].severity == Severity::error);  // the rule's default
  CHECK(findings[0].file == "src/my app/db.py");
  CHECK(findings[0].line == 12);
  CHECK(findings[0].column == 0);
  CHECK(findings[0].message == "Password in source");
  CHECK(findings[0].context == std::vector<std::string>{"src/main.py:3:2: used here"});
  CHECK(findings[1].severity == Severity::note);
  CHECK(findings[1].message == "S2");  // no text anywhere: at least the rule
  CHECK(findings[1].file.empty());
  CHECK(findings[2].severity == Severity::info);
  CHECK(findings[2].message == "**style**");
}
