#include "extract/line_clean.hpp"

#include <cstring>

namespace factory::extract {

namespace {

constexpr char k_escape = '\x1b';

// Length of the escape sequence starting at text[i] (an ESC), bounded by the text.
size_t escape_length(const std::string& text, size_t i) {
  size_t n = text.size();
  if (i + 1 >= n) return 1;
  char kind = text[i + 1];
  size_t j = i + 2;
  if (kind == '[') {  // CSI: parameters, intermediates, one final byte
    while (j < n && text[j] >= 0x30 && text[j] <= 0x3f) ++j;
    while (j < n && text[j] >= 0x20 && text[j] <= 0x2f) ++j;
    return (j < n && text[j] >= 0x40 && text[j] <= 0x7e ? j + 1 : j) - i;
  }
  if (kind == ']') {  // OSC: up to BEL or ESC backslash, never past the line
    while (j < n && text[j] != '\a' && text[j] != '\n' && text[j] != k_escape) ++j;
    if (j < n && text[j] == '\a') ++j;
    if (j + 1 < n && text[j] == k_escape && text[j + 1] == '\\') j += 2;
    return j - i;
  }
  // nF sequences such as ESC ( B (tput sgr0): intermediates, then one final byte.
  j = i + 1;
  while (j < n && text[j] >= 0x20 && text[j] <= 0x2f) ++j;
  return (j < n && text[j] >= 0x30 && text[j] <= 0x7e && text[j] != '\n' ? j + 1 : j) - i;
}

}  // namespace

void clean_lines(std::string& text) {
  if (!std::memchr(text.data(), k_escape, text.size()) &&
      !std::memchr(text.data(), '\r', text.size())) {
    return;
  }
  size_t out = 0;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == k_escape) {
      i += escape_length(text, i);
    } else if (c == '\r') {
      bool crlf = i + 1 < text.size() && text[i + 1] == '\n';
      if (!crlf) text[out++] = '\n';
      ++i;
    } else {
      text[out++] = c;
      ++i;
    }
  }
  text.resize(out);
}

std::string_view trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace factory::extract
