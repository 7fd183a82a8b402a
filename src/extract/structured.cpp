#include "extract/structured.hpp"

#include <exception>

#include "extract/line_clean.hpp"
#include "extract/structured_detail.hpp"

namespace factory::extract {

namespace detail {

std::vector<std::string> split_lines(std::string_view text) {
  std::string cleaned(text);
  clean_lines(cleaned);
  std::vector<std::string> lines;
  std::string_view rest = cleaned;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    lines.emplace_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string::npos) {
    lines.pop_back();
  }
  return lines;
}

}  // namespace detail

std::optional<std::vector<Finding>> parse_document(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  // The adapters are written not to throw; this only keeps a surprise (bad_alloc on a huge
  // document) from taking the whole extraction down: the log is then read as text.
  try {
    if (text[first] == '<') return detail::parse_junit(text);
    if (text[first] == '{' || text[first] == '[') return detail::parse_json_document(text);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace factory::extract
