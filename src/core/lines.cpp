#include "core/lines.hpp"

namespace factory::core {

void for_each_line(std::string_view text, const std::function<void(int, std::string_view)>& fn) {
  int number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(++number, line);
    start = end + 1;
  }
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for_each_line(text, [&](int, std::string_view line) { lines.push_back(line); });
  return lines;
}

std::string trimmed(std::string_view text) {
  const char* blank = " \t\r\n";
  size_t begin = text.find_first_not_of(blank);
  if (begin == std::string_view::npos) return "";
  return std::string(text.substr(begin, text.find_last_not_of(blank) - begin + 1));
}

}  // namespace factory::core
