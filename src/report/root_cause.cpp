#include "report/root_cause.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/style.hpp"

namespace factory::report {

namespace fs = std::filesystem;

namespace {
constexpr size_t k_max_context = 10;  // the 5-10 lines around the error
constexpr size_t k_named_others = 3;  // findings the "more findings" line names

// A workspace path without a trailing separator, so lexically_relative compares whole names.
fs::path normal_dir(const fs::path& dir) {
  fs::path normal = dir.lexically_normal();
  if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path()) {
    normal = normal.parent_path();
  }
  return normal;
}

// `path` relative to `dir` when it is inside it; "" otherwise.
std::string inside(const fs::path& path, const fs::path& dir) {
  fs::path relative = path.lexically_relative(dir);
  if (relative.empty() || relative == "." || *relative.begin() == "..") return "";
  return relative.generic_string();
}

// The first `width` bytes, backed off to a character boundary so UTF-8 stays whole.
std::string_view cut_at(std::string_view text, size_t width) {
  if (text.size() <= width) return text;
  while (width > 0 && (static_cast<unsigned char>(text[width]) & 0xC0) == 0x80) --width;
  return text.substr(0, width);
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The context without blank lines at either end: [begin, end) of `lines`.
std::pair<size_t, size_t> trimmed(const std::vector<std::string>& lines) {
  size_t begin = 0;
  size_t end = lines.size();
  while (begin < end && blank(lines[begin])) ++begin;
  while (end > begin && blank(lines[end - 1])) --end;
  return {begin, end};
}

// "(2 more findings: calc.py:4, tests/test_calc.py:9)".
std::string more_findings(const extract::Extraction& extraction, const fs::path& workspace) {
  size_t others = extraction.findings.size() - 1;
  std::vector<std::string> names;
  for (size_t i = 1; i < extraction.findings.size() && names.size() < k_named_others; ++i) {
    const auto& finding = extraction.findings[i];
    std::string where = location(finding, workspace);
    names.push_back(where.empty() ? std::string(cut_at(printable(headline(finding)), 40)) : where);
  }
  std::string list = fmt::format("{}", fmt::join(names, ", "));
  std::replace(list.begin(), list.end(), '\t', ' ');  // go test's "FAIL\tpkg\t0.01s"
  if (others > names.size()) list += ", ...";
  return printable(fmt::format("({} more finding{}: {})", others, others == 1 ? "" : "s", list));
}

void no_error_recognised(const extract::Extraction& extraction, bool color,
                         std::vector<std::string>& out) {
  if (extraction.last_lines.empty()) {
    out.push_back(paint("no error recognised; the log is empty", Tone::muted, color));
    return;
  }
  out.push_back(paint(fmt::format("no error recognised; last {} lines:", k_fallback_lines),
                      Tone::muted, color));
  size_t start = extraction.last_lines.size() > k_fallback_lines
                     ? extraction.last_lines.size() - k_fallback_lines
                     : 0;
  for (size_t i = start; i < extraction.last_lines.size(); ++i) {
    out.push_back("    " + printable(extraction.last_lines[i]));
  }
}
}  // namespace

std::string labelled(std::string_view label, std::string_view text, bool color) {
  std::string padding(label.size() < k_label_width ? k_label_width - label.size() : 1, ' ');
  return paint(label, Tone::strong, color) + padding + std::string(text);
}

std::string printable(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string out;
  bool cut = line.size() > k_shown_width;
  if (cut) line = cut_at(line, k_shown_width);
  out.reserve(line.size() + 4);
  for (char c : line) {
    auto byte = static_cast<unsigned char>(c);
    // Escape sequences or carriage returns from the log would redraw the terminal.
    out += (byte < 0x20 && c != '\t') || byte == 0x7f ? '?' : c;
  }
  if (cut) out += " ...";
  return out;
}

std::string display_path(const std::string& file, const fs::path& workspace) {
  fs::path path(file);
  // "./calc.py" (compileall, go build) is clickable as "calc.py" too.
  if (!path.is_absolute()) return file.starts_with("./") ? file.substr(2) : file;
  if (workspace.empty()) return file;
  fs::path dir = normal_dir(workspace);
  if (auto relative = inside(path.lexically_normal(), dir); !relative.empty()) return relative;
  // The log may name the workspace through a symlink (/tmp vs /private/tmp) or the reverse.
  std::error_code error;
  fs::path real_file = fs::weakly_canonical(path, error);
  if (error) return file;
  fs::path real_dir = fs::weakly_canonical(dir, error);
  if (error) return file;
  auto relative = inside(real_file, normal_dir(real_dir));
  return relative.empty() ? file : relative;
}

std::string location(const extract::Finding& finding, const fs::path& workspace) {
  return extract::where(display_path(finding.file, workspace), finding.line, finding.column);
}

std::string headline(const extract::Finding& finding) {
  std::string message(extract::headline(finding.message));
  if (!finding.code.empty() && message.find(finding.code) == std::string::npos) {
    message = message.empty() ? finding.code : fmt::format("{} [{}]", message, finding.code);
  }
  if (!finding.test.empty() && message.find(finding.test) == std::string::npos) {
    return message.empty() ? fmt::format("{} failed", finding.test)
                           : fmt::format("{} failed: {}", finding.test, message);
  }
  if (message.empty()) {
    return fmt::format("{} {}", finding.tool.empty() ? "tool" : finding.tool,
                       severity_name(finding.severity));
  }
  return message;
}

std::vector<std::string> render_root_cause(const extract::Extraction& extraction,
                                           const fs::path& workspace, bool color) {
  std::vector<std::string> out;
  if (extraction.findings.empty()) {
    no_error_recognised(extraction, color, out);
    return out;
  }
  const auto& first = extraction.findings.front();
  out.push_back(labelled("ROOT CAUSE", printable(headline(first)), color));
  std::string indent(k_label_width, ' ');
  if (auto where = location(first, workspace); !where.empty()) {
    out.push_back(indent + printable(where));
  }
  auto [begin, end] = trimmed(first.context);
  end = std::min(end, begin + k_max_context);
  for (size_t i = begin; i < end; ++i) {
    std::string line = printable(first.context[i]);
    out.push_back(i == begin ? labelled("CONTEXT", line, color) : indent + line);
  }
  if (extraction.findings.size() > 1) {
    out.push_back(paint(more_findings(extraction, workspace), Tone::muted, color));
  }
  return out;
}

}  // namespace factory::report
