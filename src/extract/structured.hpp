#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/finding.hpp"

namespace factory::extract {

// Findings from a whole structured document: SARIF 2.1 (JSON), GCC's
// -fdiagnostics-format=json array, JUnit XML (pytest --junitxml, ctest --output-junit, go-junit,
// cargo2junit, ...). nullopt when `text` is none of these, so the caller reads it as text.
std::optional<std::vector<Finding>> parse_document(std::string_view text);

// What one line of a JSON-lines stream held.
struct JsonLine {
  bool recognised = false;        // a known event; otherwise read the line as text
  std::vector<Finding> findings;  // cargo --message-format=json compiler messages, ...
  std::string text;               // output to read as text: go test -json "Output" fields
};

// A line starting with '{' or '[': a `go test -json` event, a cargo --message-format=json
// message, a one-line GCC JSON array or SARIF document.
JsonLine parse_json_line(std::string_view line);

}  // namespace factory::extract
