#include "extract/finding_json.hpp"

namespace factory::extract {

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
  finding.tool = object.value("tool", "");
  finding.severity =
      severity_from_word(object.value("severity", "error")).value_or(Severity::error);
  finding.file = object.value("file", "");
  finding.line = object.value("line", 0);
  finding.column = object.value("column", 0);
  finding.message = object.value("message", "");
  finding.code = object.value("code", "");
  finding.test = object.value("test", "");
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
  return value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace factory::extract
