#include "extract/finding_json.hpp"
#include "core/json_text.hpp"

#include <cstdint>
#include <limits>

namespace factory::extract {

namespace {

// The string under `key`; "" when it is missing or not a string (a damaged stored finding).
std::string text_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The whole number under `key`; 0 when it is missing, not an integer, negative or too large.
int number_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  auto value = it->get<int64_t>();
  return value >= 0 && value <= std::numeric_limits<int>::max() ? static_cast<int>(value) : 0;
}

}  // namespace

nlohmann::ordered_json to_json(const Finding& finding) {
  nlohmann::ordered_json object;
  object["tool"] = finding.tool;
  object["severity"] = std::string(severity_name(finding.severity));
  object["file"] = finding.file;
  object["line"] = finding.line;
  object["column"] = finding.column;
  object["message"] = finding.message;
  object["code"] = finding.code;
  object["context"] = finding.context;
  if (!finding.test.empty()) object["test"] = finding.test;
  return object;
}

Finding finding_from_json(const nlohmann::json& object) {
  Finding finding;
  if (!object.is_object()) return finding;
  finding.tool = text_field(object, "tool");
  finding.severity = severity_from_word(text_field(object, "severity")).value_or(Severity::error);
  finding.file = text_field(object, "file");
  finding.line = number_field(object, "line");
  finding.column = number_field(object, "column");
  finding.message = text_field(object, "message");
  finding.code = text_field(object, "code");
  finding.test = text_field(object, "test");
  if (auto it = object.find("context"); it != object.end() && it->is_array()) {
    for (const auto& line : *it) {
      if (line.is_string()) finding.context.push_back(line.get<std::string>());
    }
  }
  return finding;
}

nlohmann::ordered_json to_json(const Extraction& extraction) {
  nlohmann::ordered_json document;
  document["findings"] = nlohmann::ordered_json::array();
  for (const auto& finding : extraction.findings) document["findings"].push_back(to_json(finding));
  document["summary"] = extraction.summary;
  return document;
}

std::string dump_json(const nlohmann::ordered_json& value, int indent) {
  return core::json_text(value, indent);
}

}  // namespace factory::extract
