#include "core/glob.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace factory::core {

namespace {

// Matches one pattern against one string, both without the gitignore anchoring rules.
// Memoised on (pattern position, text position) so patterns with many stars stay linear-ish.
class Matcher {
 public:
  Matcher(std::string_view pattern, std::string_view text)
      : m_pattern(pattern), m_text(text), m_memo((pattern.size() + 1) * (text.size() + 1), 0) {}

  bool run() { return match(0, 0); }

 private:
  bool match(size_t p, size_t t) {
    uint8_t& slot = m_memo[p * (m_text.size() + 1) + t];
    if (slot != 0) return slot == 2;
    bool result = step(p, t);
    slot = result ? 2 : 1;
    return result;
  }

  bool step(size_t p, size_t t) {
    if (p == m_pattern.size()) return t == m_text.size();
    char c = m_pattern[p];
    if (c == '*' && p + 1 < m_pattern.size() && m_pattern[p + 1] == '*') return double_star(p, t);
    if (c == '*') {
      // A single star stays inside one path segment.
      for (size_t k = t;; ++k) {
        if (match(p + 1, k)) return true;
        if (k == m_text.size() || m_text[k] == '/') return false;
      }
    }
    if (t == m_text.size()) return false;
    if (c == '?') return m_text[t] != '/' && match(p + 1, t + 1);
    if (c == '[') {
      size_t next = 0;
      if (auto hit = char_class(p, m_text[t], next)) return *hit && match(next, t + 1);
      return m_text[t] == '[' && match(p + 1, t + 1);  // unterminated class: a literal '['
    }
    if (c == '\\' && p + 1 < m_pattern.size()) {
      return m_text[t] == m_pattern[p + 1] && match(p + 2, t + 1);
    }
    return m_text[t] == c && match(p + 1, t + 1);
  }

  // "**/" spans zero or more directories; "**" at the end spans everything; elsewhere it is "*".
  bool double_star(size_t p, size_t t) {
    size_t after = p + 2;
    bool at_segment_start = p == 0 || m_pattern[p - 1] == '/';
    if (at_segment_start && after == m_pattern.size()) return true;
    if (at_segment_start && m_pattern[after] == '/') {
      if (match(after + 1, t)) return true;
      for (size_t k = t; k < m_text.size(); ++k) {
        if (m_text[k] == '/' && match(after + 1, k + 1)) return true;
      }
      return false;
    }
    for (size_t k = t;; ++k) {
      if (match(after, k)) return true;
      if (k == m_text.size() || m_text[k] == '/') return false;
    }
  }

  // Whether `ch` is in the class starting at m_pattern[p] == '['; nullopt when unterminated.
  // `next` receives the position after the closing ']'.
  std::optional<bool> char_class(size_t p, char ch, size_t& next) const {
    size_t i = p + 1;
    bool negate = i < m_pattern.size() && (m_pattern[i] == '!' || m_pattern[i] == '^');
    if (negate) ++i;
    bool hit = false;
    bool first = true;
    while (i < m_pattern.size() && (first || m_pattern[i] != ']')) {
      first = false;
      char lo = m_pattern[i];
      if (lo == '\\' && i + 1 < m_pattern.size()) lo = m_pattern[++i];
      char hi = lo;
      if (i + 2 < m_pattern.size() && m_pattern[i + 1] == '-' && m_pattern[i + 2] != ']') {
        hi = m_pattern[i + 2];
        i += 2;
      }
      if (ch >= lo && ch <= hi) hit = true;
      ++i;
    }
    if (i >= m_pattern.size()) return std::nullopt;
    next = i + 1;
    return ch != '/' && hit != negate;
  }

  std::string_view m_pattern;
  std::string_view m_text;
  std::vector<uint8_t> m_memo;  // 0 unknown, 1 no, 2 yes
};

bool match_whole(std::string_view pattern, std::string_view text) {
  return Matcher(pattern, text).run();
}

// Where the class opened by pattern[open] == '[' closes, or npos; scans exactly as
// Matcher::char_class does, so glob_error agrees with glob_match about what a class is.
size_t class_end(std::string_view pattern, size_t open) {
  size_t i = open + 1;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) ++i;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') i += 2;
    ++i;
  }
  return i < pattern.size() ? i : std::string_view::npos;
}

// The problem with an escape, class or byte in the pattern, scanning left to right.
std::optional<std::string> token_error(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\0') return "it contains a NUL byte";
    if (c == '\\') {
      if (i + 1 == pattern.size()) return "a trailing backslash escapes nothing";
      ++i;
    } else if (c == '[') {
      size_t end = class_end(pattern, i);
      if (end == std::string_view::npos) {
        return "the '[' class is never closed (write \\[ for a literal '[')";
      }
      i = end;
    }
  }
  return std::nullopt;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  bool path_is_dir = !path.empty() && path.back() == '/';
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.starts_with("./")) path.remove_prefix(2);
  bool dir_only = !pattern.empty() && pattern.back() == '/';
  while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
  if (pattern.empty() || path.empty()) return false;
  bool anchored = pattern.find('/') != std::string_view::npos;
  if (pattern.front() == '/') pattern.remove_prefix(1);

  // As in gitignore, a pattern that matches a directory covers everything below it, so every
  // leading part of the path (anchored) or every single segment (unanchored) is a candidate.
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    bool is_dir = end < path.size() || path_is_dir;
    std::string_view candidate = anchored ? path.substr(0, end) : path.substr(start, end - start);
    if ((!dir_only || is_dir) && match_whole(pattern, candidate)) return true;
    start = end + 1;
  }
  return false;
}

bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path) {
  for (const auto& pattern : patterns) {
    if (glob_match(pattern, path)) return true;
  }
  return false;
}

std::optional<std::string> glob_error(std::string_view pattern) {
  if (pattern.starts_with('!')) {
    pattern.remove_prefix(1);
    if (pattern.empty()) return "'!' alone negates nothing";
  }
  if (pattern.find("//") != std::string_view::npos) return "'//' makes an empty path segment";
  if (pattern.starts_with('/')) pattern.remove_prefix(1);
  if (pattern.empty()) return "the pattern is empty";
  if (auto problem = token_error(pattern)) return problem;
  if (pattern.ends_with('/')) pattern.remove_suffix(1);
  size_t start = 0;
  while (start <= pattern.size()) {
    size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    std::string_view segment = pattern.substr(start, end - start);
    if (segment == "." || segment == "..") {
      return fmt::format(
          "a '{}' segment never matches: paths are checked normalised, so write 'src/x', not "
          "'./src/x' or 'a/../src/x'",
          segment);
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace factory::core
