#include "contract/blocked_message.hpp"

#include <fmt/format.h>

namespace factory::contract {

namespace {
std::string glob_list(const std::vector<std::string>& globs, std::string_view when_empty) {
  if (globs.empty()) return std::string(when_empty);
  std::vector<std::string> shown;
  for (const auto& g : globs) shown.push_back(display_path(g));
  return fmt::format("{}", fmt::join(shown, "  "));
}
}  // namespace

std::string display_path(std::string_view path) {
  bool plain = true;
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') plain = false;
  }
  if (plain) return std::string(path);
  std::string out = "\"";
  for (unsigned char c : path) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\{:03o}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string blocked_message(const std::string& task, const std::vector<Violation>& violations,
                            const core::Boundaries& boundaries) {
  std::string out;
  for (const auto& v : violations) {
    out +=
        fmt::format("✗ BLOCKED: {} cannot modify {} ({})\n", task, display_path(v.path), v.reason);
  }
  out += fmt::format("  allowed:   {}\n",
                     glob_list(boundaries.allowed_files, "nothing (allowed_files is empty)"));
  out += fmt::format("  forbidden: {}  (and .factory/**, always)\n",
                     glob_list(boundaries.forbidden_files, "-"));
  out += fmt::format(
      "  to change the contract: edit .factory/{0}/contract.yaml in the main worktree, then "
      "'factory contract check {0}'\n",
      task);
  return out;
}

}  // namespace factory::contract
