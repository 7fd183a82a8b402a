// SARIF 2.1.0 (OASIS): runs[].results[] -> findings.
#include "extract/structured_json.hpp"

#include <string_view>
#include <unordered_map>

namespace factory::extract::detail {

bool is_sarif(const json& j) {
  const json* runs = member(j, "runs");
  if (runs == nullptr || !runs->is_array()) return false;
  std::string version = text_of(member(j, "version"));
  std::string schema = text_of(member(j, "$schema"));
  return version.starts_with("2.") || schema.find("sarif") != std::string::npos;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "file:///work/a%20b.c" -> "/work/a b.c"; a relative URI stays as written.
std::string path_from_uri(std::string_view uri) {
  if (uri.starts_with("file://")) {
    uri.remove_prefix(7);
    // file:///C:/src -> C:/src
    if (uri.size() > 2 && uri[0] == '/' && uri[2] == ':') uri.remove_prefix(1);
  }
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    int high = uri[i] == '%' && i + 2 < uri.size() ? hex_digit(uri[i + 1]) : -1;
    int low = high >= 0 ? hex_digit(uri[i + 2]) : -1;
    if (low >= 0) {
      path += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      path += uri[i];
    }
  }
  return path;
}

// A run's rules by id, built once per run: looking each result's ruleId up by scanning the rules
// would make a run with many rules and results quadratic.
using RulesById = std::unordered_map<std::string_view, const json*>;

RulesById rules_by_id(const json& run) {
  RulesById out;
  const json* rules = member(member(member(run, "tool"), "driver"), "rules");
  for (size_t i = 0; element(rules, i) != nullptr; ++i) {
    const json* id = member(element(rules, i), "id");
    if (id != nullptr && id->is_string()) {
      out.emplace(id->get_ref<const std::string&>(), element(rules, i));  // the first one wins
    }
  }
  return out;
}

const json* sarif_rule(const json& run, const RulesById& rules_by, const json& result) {
  const json* rules = member(member(member(run, "tool"), "driver"), "rules");
  const json* index = member(result, "ruleIndex");
  if (index != nullptr && index->is_number_integer() && index->get<int64_t>() >= 0) {
    if (const json* rule = element(rules, static_cast<size_t>(index->get<int64_t>()))) return rule;
  }
  const json* id = member(result, "ruleId");
  if (id == nullptr || !id->is_string()) return nullptr;
  auto found = rules_by.find(id->get_ref<const std::string&>());
  return found == rules_by.end() ? nullptr : found->second;
}

Severity sarif_severity(const json& result, const json* rule) {
  std::string level = text_of(member(result, "level"));
  // The spec's default: the rule's configured level, else "warning".
  if (level.empty()) level = text_of(member(member(rule, "defaultConfiguration"), "level"));
  if (level == "error") return Severity::error;
  if (level == "note") return Severity::note;
  if (level == "none") return Severity::info;
  return Severity::warning;
}

std::string sarif_message(const json* message) {
  std::string text = text_of(member(message, "text"));
  return text.empty() ? text_of(member(message, "markdown")) : text;
}

// Where a location points: its artifact's URI (directly or via run.artifacts) and region.
std::string sarif_file(const json& run, const json* physical) {
  const json* artifact = member(physical, "artifactLocation");
  std::string uri = text_of(member(artifact, "uri"));
  const json* index = member(artifact, "index");
  if (uri.empty() && index != nullptr && index->is_number_integer() && index->get<int64_t>() >= 0) {
    const json* listed =
        element(member(run, "artifacts"), static_cast<size_t>(index->get<int64_t>()));
    uri = text_of(member(member(listed, "location"), "uri"));
  }
  return path_from_uri(uri);
}

Finding sarif_finding(const json& run, const RulesById& rules, const json& result,
                      const std::string& tool) {
  const json* rule = sarif_rule(run, rules, result);
  Finding finding;
  finding.tool = tool.empty() ? "sarif" : tool;
  finding.severity = sarif_severity(result, rule);
  finding.code = text_of(member(result, "ruleId"));
  if (finding.code.empty()) finding.code = text_of(member(rule, "id"));
  finding.message = sarif_message(member(result, "message"));
  if (finding.message.empty()) finding.message = sarif_message(member(rule, "shortDescription"));
  if (finding.message.empty()) finding.message = finding.code;
  const json* physical = member(element(member(result, "locations"), 0), "physicalLocation");
  finding.file = sarif_file(run, physical);
  const json* region = member(physical, "region");
  finding.line = int_of(member(region, "startLine"));
  finding.column = int_of(member(region, "startColumn"));
  for (auto& line : split_lines(text_of(member(member(region, "snippet"), "text")))) {
    add_context(finding, std::move(line));
  }
  const json* related = member(result, "relatedLocations");
  for (size_t i = 0; element(related, i) != nullptr; ++i) {
    const json* at = member(element(related, i), "physicalLocation");
    const json* at_region = member(at, "region");
    std::string head = where(sarif_file(run, at), int_of(member(at_region, "startLine")),
                             int_of(member(at_region, "startColumn")));
    std::string text = sarif_message(member(element(related, i), "message"));
    add_context(finding, head.empty() ? text : head + ": " + text);
  }
  return finding;
}

}  // namespace

std::vector<Finding> sarif_findings(const json& log) {
  std::vector<Finding> findings;
  for (const auto& run : *member(log, "runs")) {
    std::string tool = text_of(member(member(member(run, "tool"), "driver"), "name"));
    const json* results = member(run, "results");
    if (results == nullptr || !results->is_array()) continue;
    RulesById rules = rules_by_id(run);
    for (const auto& result : *results) {
      if (!result.is_object()) continue;
      // Results of kind pass/notApplicable record checks that found nothing.
      std::string kind = text_of(member(result, "kind"));
      if (kind == "pass" || kind == "notApplicable") continue;
      findings.push_back(sarif_finding(run, rules, result, tool));
    }
  }
  return findings;
}

}  // namespace factory::extract::detail
