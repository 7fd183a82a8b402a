#include "report/findings_format.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <set>

namespace factory::report {

namespace {

using extract::Finding;
using extract::Severity;

std::string_view sarif_level(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    default:
      return "note";
  }
}

// The rule a finding is filed under: its code when the tool gave one, else the tool's name.
std::string rule_id(const Finding& finding) {
  return finding.code.empty() ? finding.tool : finding.code;
}

nlohmann::ordered_json sarif_result(const Finding& finding) {
  nlohmann::ordered_json result;
  result["ruleId"] = rule_id(finding);
  result["level"] = sarif_level(finding.severity);
  result["message"] = {{"text", finding.message.empty() ? rule_id(finding) : finding.message}};
  if (!finding.file.empty()) {
    nlohmann::ordered_json physical;
    physical["artifactLocation"] = {{"uri", sarif_uri(finding.file)}};
    if (finding.line > 0) {
      nlohmann::ordered_json region = {{"startLine", finding.line}};
      if (finding.column > 0) region["startColumn"] = finding.column;
      physical["region"] = region;
    }
    result["locations"] = nlohmann::ordered_json::array({{{"physicalLocation", physical}}});
  }
  nlohmann::ordered_json properties = {{"tool", finding.tool}};
  if (!finding.test.empty()) properties["test"] = finding.test;
  if (!finding.context.empty()) properties["context"] = finding.context;
  if (finding.log_line > 0) properties["logLine"] = finding.log_line;
  result["properties"] = properties;
  return result;
}

bool uri_safe(unsigned char c) {
  return std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
         c == '@' || c == '=' || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' ||
         c == ')' || c == '*' || c == ',' || c == ';' || c == ':';
}

std::string percent_encode(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (uri_safe(c)) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string annotation(const Finding& finding, std::string_view command) {
  std::vector<std::string> properties;
  if (!finding.file.empty()) {
    properties.push_back("file=" + github_escape_property(finding.file));
    if (finding.line > 0) properties.push_back(fmt::format("line={}", finding.line));
    if (finding.line > 0 && finding.column > 0) {
      properties.push_back(fmt::format("col={}", finding.column));
    }
  }
  std::string title = finding.code.empty() ? finding.tool : finding.tool + " " + finding.code;
  properties.push_back("title=" + github_escape_property(title));
  std::string message = finding.message.empty() ? title : finding.message;
  return fmt::format("::{} {}::{}", command, fmt::join(properties, ","),
                     github_escape_data(message));
}

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

std::string sarif_uri(std::string_view path) {
  std::string slashed(path);
  for (char& c : slashed) {
    if (c == '\\') c = '/';
  }
  // C:/x is a Windows absolute path, not a URI with scheme "C".
  bool drive = slashed.size() >= 3 && std::isalpha(static_cast<unsigned char>(slashed[0])) &&
               slashed[1] == ':' && slashed[2] == '/';
  if (drive) return "file:///" + percent_encode(slashed);
  if (slashed.starts_with("/")) return "file://" + percent_encode(slashed);
  // A relative path with ':' in its first segment would read as a scheme.
  std::string encoded = percent_encode(slashed);
  size_t colon = encoded.find(':');
  if (colon != std::string::npos && colon < encoded.find('/')) {
    encoded = encoded.substr(0, colon) + "%3A" + encoded.substr(colon + 1);
  }
  return encoded;
}

nlohmann::ordered_json to_sarif(const extract::Extraction& extraction) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  std::set<std::string> seen;
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const auto& finding : extraction.findings) {
    std::string id = rule_id(finding);
    if (seen.insert(id).second) {
      rules.push_back({{"id", id}, {"properties", {{"tool", finding.tool}}}});
    }
    results.push_back(sarif_result(finding));
  }
  nlohmann::ordered_json driver = {{"name", "factory"}, {"rules", rules}};
  nlohmann::ordered_json run = {{"tool", {{"driver", driver}}},
                                {"results", results},
                                {"properties", {{"summary", extraction.summary}}}};
  nlohmann::ordered_json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = nlohmann::ordered_json::array({run});
  return log;
}

std::string github_escape_data(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string github_escape_property(std::string_view text) {
  std::string out;
  for (char c : github_escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> github_annotations(const extract::Extraction& extraction) {
  // error, warning, notice: shown so far and left out.
  std::array<size_t, 3> shown{};
  std::array<size_t, 3> dropped{};
  constexpr std::array<std::string_view, 3> k_commands = {"error", "warning", "notice"};
  std::vector<std::string> lines;
  for (const auto& finding : extraction.findings) {
    size_t kind = finding.severity == Severity::error     ? 0
                  : finding.severity == Severity::warning ? 1
                                                          : 2;
    if (shown[kind] == k_github_cap) {
      ++dropped[kind];
      continue;
    }
    ++shown[kind];
    lines.push_back(annotation(finding, k_commands[kind]));
  }
  std::vector<std::string> left_out;
  for (size_t kind = 0; kind < 3; ++kind) {
    if (dropped[kind] > 0) left_out.push_back(plural(dropped[kind], k_commands[kind]));
  }
  if (!left_out.empty()) {
    lines.push_back(fmt::format(
        "factory: {} not annotated: GitHub shows {} errors, {} warnings and {} notices per step; "
        "'factory extract' without --ci lists them all",
        fmt::join(left_out, ", "), k_github_cap, k_github_cap, k_github_cap));
  }
  // Prefixed, so a summary quoting the log can never start a workflow command of its own.
  if (!extraction.summary.empty()) {
    std::string summary = extraction.summary;
    for (char& c : summary) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    lines.push_back("factory: " + summary);
  }
  return lines;
}

std::string finding_line(const Finding& finding) {
  std::string where = extract::where(finding);
  std::string message(extract::headline(finding.message));
  if (!finding.code.empty() && message.find(finding.code) == std::string::npos) {
    message += fmt::format(" [{}]", finding.code);
  }
  std::string_view severity = extract::severity_name(finding.severity);
  if (where.empty()) return fmt::format("{}: {}: {}", finding.tool, severity, message);
  return fmt::format("{}: {}: {}", where, severity, message);
}

}  // namespace factory::report
