#include "extract/finding.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace factory::extract {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::info:
      return "info";
    case Severity::note:
      return "note";
  }
  return "error";
}

std::optional<Severity> severity_from_word(std::string_view word) {
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Scanners rank by HIGH/MEDIUM/LOW; linters by one-letter classes.
  static const std::array<std::pair<std::string_view, Severity>, 21> k_words = {{
      {"error", Severity::error},  {"fatal error", Severity::error}, {"fatal", Severity::error},
      {"e", Severity::error},      {"err", Severity::error},         {"failure", Severity::error},
      {"failed", Severity::error}, {"high", Severity::error},        {"critical", Severity::error},
      {"panic", Severity::error},  {"warning", Severity::warning},   {"warn", Severity::warning},
      {"w", Severity::warning},    {"medium", Severity::warning},    {"info", Severity::info},
      {"i", Severity::info},       {"low", Severity::info},          {"note", Severity::note},
      {"n", Severity::note},       {"help", Severity::note},         {"hint", Severity::note},
  }};
  for (const auto& [name, severity] : k_words) {
    if (lower == name) return severity;
  }
  return std::nullopt;
}

std::string where(std::string_view file, int line, int column) {
  if (file.empty()) return "";
  std::string out(file);
  if (line > 0) out += ":" + std::to_string(line);
  if (line > 0 && column > 0) out += ":" + std::to_string(column);
  return out;
}

std::string where(const Finding& finding) {
  return where(finding.file, finding.line, finding.column);
}

std::string_view headline(std::string_view message) {
  return message.substr(0, message.find('\n'));
}

}  // namespace factory::extract
