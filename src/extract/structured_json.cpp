// JSON adapters: go test -json events, cargo/rustc JSON diagnostics, GCC's JSON array.
#include <exception>

#include "extract/line_clean.hpp"
#include "extract/structured.hpp"
#include "extract/structured_json.hpp"

namespace factory::extract {

namespace {

using namespace detail;

// --- cargo --message-format=json / rustc --error-format=json --------------------------------

std::optional<Finding> rustc_finding(const json& message) {
  std::string level = text_of(member(message, "level"));
  std::string text = text_of(member(message, "message"));
  std::optional<Severity> severity;
  if (level == "error" || level == "error: internal compiler error") severity = Severity::error;
  if (level == "warning") severity = Severity::warning;
  // The closing summaries repeat what the real messages said.
  if (!severity || text.empty() || text.starts_with("aborting due to") ||
      text.starts_with("could not compile")) {
    return std::nullopt;
  }
  Finding finding;
  finding.severity = *severity;
  finding.message = text;
  finding.code = text_of(member(member(message, "code"), "code"));
  finding.tool = finding.code.starts_with("clippy::") ? "clippy" : "rustc";
  const json* spans = member(message, "spans");
  const json* primary = element(spans, 0);
  for (size_t i = 0; spans != nullptr && spans->is_array() && i < spans->size(); ++i) {
    const json* is_primary = member(element(spans, i), "is_primary");
    if (is_primary != nullptr && is_primary->is_boolean() && is_primary->get<bool>()) {
      primary = element(spans, i);
      break;
    }
  }
  finding.file = text_of(member(primary, "file_name"));
  finding.line = int_of(member(primary, "line_start"));
  finding.column = int_of(member(primary, "column_start"));
  for (auto& line : split_lines(text_of(member(message, "rendered")))) {
    add_context(finding, std::move(line));
  }
  return finding;
}

// --- GCC -fdiagnostics-format=json --------------------------------------------------------------

bool is_gcc_array(const json& j) {
  if (!j.is_array()) return false;
  for (const auto& diagnostic : j) {
    if (!diagnostic.is_object() || member(diagnostic, "kind") == nullptr ||
        member(diagnostic, "message") == nullptr) {
      return false;
    }
  }
  return true;
}

struct GccLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

GccLocation gcc_location(const json& diagnostic) {
  const json* caret = member(element(member(diagnostic, "locations"), 0), "caret");
  GccLocation at{text_of(member(caret, "file")), int_of(member(caret, "line")),
                 int_of(member(caret, "column"))};
  // GCC counts columns from -fdiagnostics-column-origin (1 unless told otherwise).
  const json* origin = member(diagnostic, "column-origin");
  if (origin != nullptr && origin->is_number() && int_of(origin) == 0 && at.column >= 0) {
    ++at.column;
  }
  return at;
}

std::string gcc_note_line(const json& note) {
  GccLocation at = gcc_location(note);
  std::string kind = text_of(member(note, "kind"));
  std::string head = where(at.file, at.line, at.column);
  return (head.empty() ? "" : head + ": ") + (kind.empty() ? "note" : kind) + ": " +
         text_of(member(note, "message"));
}

std::optional<Severity> gcc_severity(std::string_view kind) {
  if (kind.find("error") != std::string_view::npos || kind.starts_with("sorry")) {
    return Severity::error;
  }
  if (kind == "warning" || kind == "pedwarn" || kind == "permerror" || kind == "anachronism") {
    return Severity::warning;
  }
  return std::nullopt;
}

std::vector<Finding> gcc_findings(const json& diagnostics) {
  std::vector<Finding> findings;
  for (const auto& diagnostic : diagnostics) {
    auto severity = gcc_severity(text_of(member(diagnostic, "kind")));
    if (!severity) {
      // A note outside any group still explains the diagnostic before it.
      if (!findings.empty()) add_context(findings.back(), gcc_note_line(diagnostic));
      continue;
    }
    GccLocation at = gcc_location(diagnostic);
    Finding finding;
    finding.tool = "gcc";
    finding.severity = *severity;
    finding.file = at.file;
    finding.line = at.line;
    finding.column = at.column;
    finding.message = text_of(member(diagnostic, "message"));
    finding.code = text_of(member(diagnostic, "option"));
    const json* children = member(diagnostic, "children");
    if (children != nullptr && children->is_array()) {
      for (const auto& child : *children) add_context(finding, gcc_note_line(child));
    }
    findings.push_back(std::move(finding));
  }
  return findings;
}

// --- JSON lines ---------------------------------------------------------------------------------

JsonLine object_line(const json& j) {
  JsonLine out;
  // go test -json (and go build -json): the Output is the text the test printed.
  if (const json* action = member(j, "Action"); action != nullptr && action->is_string()) {
    out.recognised = true;
    out.text = text_of(member(j, "Output"));
    clean_lines(out.text);
    return out;
  }
  if (const json* reason = member(j, "reason"); reason != nullptr && reason->is_string()) {
    out.recognised = true;  // compiler-artifact, build-script-executed, build-finished, ...
    const json* message = member(j, "message");
    if (reason->get<std::string>() == "compiler-message" && message != nullptr) {
      if (auto finding = rustc_finding(*message)) out.findings.push_back(std::move(*finding));
    }
    return out;
  }
  std::string type = text_of(member(j, "$message_type"));
  bool rustc_shape = member(j, "level") != nullptr && member(j, "spans") != nullptr &&
                     member(j, "message") != nullptr;
  if (!type.empty() || rustc_shape) {
    out.recognised = true;  // rustc --error-format=json: diagnostic, artifact, future_incompat
    if (type.empty() || type == "diagnostic") {
      if (auto finding = rustc_finding(j)) out.findings.push_back(std::move(*finding));
    }
    return out;
  }
  if (is_sarif(j)) {
    out.recognised = true;
    out.findings = sarif_findings(j);
  }
  return out;
}

}  // namespace

namespace detail {

std::optional<std::vector<Finding>> parse_json_document(std::string_view text) {
  json j = parse(text);
  if (is_sarif(j)) return sarif_findings(j);
  if (is_gcc_array(j)) return gcc_findings(j);
  return std::nullopt;
}

}  // namespace detail

JsonLine parse_json_line(std::string_view line) {
  size_t first = line.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (line[first] != '{' && line[first] != '[')) return {};
  try {
    json j = parse(line.substr(first));
    if (j.is_object()) return object_line(j);
    if (is_gcc_array(j)) {
      JsonLine out;
      out.recognised = true;  // "[]" too: GCC prints it when a file compiles cleanly
      out.findings = gcc_findings(j);
      return out;
    }
  } catch (const std::exception&) {
  }
  return {};
}

}  // namespace factory::extract