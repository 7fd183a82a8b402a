#include "coverage/diff.hpp"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/lines.hpp"

namespace factory::coverage {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Git's C-style quoting: "a/\303\244 b.txt" -> a/ä b.txt. `text` starts at the opening quote;
// `used` gets how many characters the quoted name took.
std::string unquote(std::string_view text, size_t* used) {
  std::string out;
  size_t i = 1;
  for (; i < text.size() && text[i] != '"'; ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    char e = text[++i];
    if (e >= '0' && e <= '7') {
      int value = 0;
      int digits = 0;
      for (; digits < 3 && i < text.size() && text[i] >= '0' && text[i] <= '7'; ++digits, ++i) {
        value = value * 8 + (text[i] - '0');
      }
      --i;
      out += static_cast<char>(value);
      continue;
    }
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      default:
        out += e;
        break;
    }
  }
  if (used) *used = std::min(i + 1, text.size());
  return out;
}

// A path as written after "+++ ", "rename to " etc.: unquoted, a trailing tab-separated
// timestamp (plain diff -u) dropped.
std::string header_path(std::string_view text) {
  if (!text.empty() && text[0] == '"') return unquote(text, nullptr);
  auto tab = text.find('\t');
  if (tab != std::string_view::npos) text = text.substr(0, tab);
  while (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return std::string(text);
}

// "b/src/x.py" -> "src/x.py": git's prefixes a/ b/ and the mnemonic i/ w/ c/ o/.
std::string strip_prefix(const std::string& path) {
  if (path.size() > 2 && path[1] == '/' &&
      std::string_view("abciow").find(path[0]) != std::string_view::npos) {
    return path.substr(2);
  }
  return path;
}

// The new path of "diff --git a/x b/x": used when no ---/+++ lines follow (renames without
// change, empty new files, binary files).
std::string diff_git_new_path(std::string_view rest) {
  if (!rest.empty() && rest[0] == '"') {
    size_t used = 0;
    unquote(rest, &used);
    rest = rest.substr(std::min(used + 1, rest.size()));
    return strip_prefix(header_path(rest));
  }
  // Unquoted "a/P b/P": split where both halves name the same path, else at the last " b/".
  size_t half = (rest.size() - 1) / 2;
  if (rest.size() % 2 == 1 && rest[half] == ' ' &&
      rest.substr(2, half - 2) == rest.substr(half + 3)) {
    return strip_prefix(std::string(rest.substr(half + 1)));
  }
  auto pos = rest.rfind(" b/");
  if (pos == std::string_view::npos) pos = rest.rfind(' ');
  return pos == std::string_view::npos ? std::string()
                                       : strip_prefix(std::string(rest.substr(pos + 1)));
}

// "@@ -1,10 +1,8 @@ ctx" -> (new start, new count, old count).
struct HunkHeader {
  int new_start = 0;
  int new_count = 1;
  int old_count = 1;
};

std::optional<int> number_at(std::string_view& s) {
  int value = 0;
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9' && n < 9) value = value * 10 + (s[n++] - '0');
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return value;
}

std::optional<HunkHeader> parse_hunk_header(std::string_view line) {
  HunkHeader h;
  line.remove_prefix(2);                                          // "@@"
  while (!line.empty() && line[0] == '@') line.remove_prefix(1);  // combined diffs: "@@@"
  if (!starts_with(line, " -")) return std::nullopt;
  line.remove_prefix(2);
  if (!number_at(line)) return std::nullopt;
  if (starts_with(line, ",")) {
    line.remove_prefix(1);
    auto c = number_at(line);
    if (!c) return std::nullopt;
    h.old_count = *c;
  }
  if (!starts_with(line, " +")) return std::nullopt;
  line.remove_prefix(2);
  auto start = number_at(line);
  if (!start) return std::nullopt;
  h.new_start = *start;
  if (starts_with(line, ",")) {
    line.remove_prefix(1);
    auto c = number_at(line);
    if (!c) return std::nullopt;
    h.new_count = *c;
  }
  if (!starts_with(line, " @@")) return std::nullopt;
  return h;
}

class DiffParser {
 public:
  void line(int number, std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (m_in_hunk && hunk_line(text)) return;
    m_in_hunk = false;
    // A merge's combined diff ("diff --cc", "@@@" hunks) has no single new side to read: its
    // section, ---/+++ lines included, is skipped up to the next file.
    if (m_combined && !starts_with(text, "diff --git ")) return;
    if (starts_with(text, "diff --git ")) {
      m_combined = false;
      m_header_seen = false;
      begin_file(diff_git_new_path(text.substr(11)), /*new_section=*/true);
    } else if (starts_with(text, "--- ") && !m_in_hunk) {
      m_pending_old = true;
    } else if (starts_with(text, "+++ ") && m_pending_old) {
      m_pending_old = false;
      std::string path = header_path(text.substr(4));
      if (path == "/dev/null") {
        forget_file();  // deleted: no new lines
      } else {
        // A second ---/+++ pair in one section: a plain `diff -u` of several files.
        begin_file(strip_prefix(path), /*new_section=*/m_header_seen);
      }
      m_header_seen = true;
    } else if (starts_with(text, "rename to ") || starts_with(text, "copy to ")) {
      begin_file(header_path(text.substr(text.find(" to ") + 4)), false);
    } else if (starts_with(text, "deleted file mode")) {
      forget_file();
    } else if (starts_with(text, "diff --cc ") || starts_with(text, "diff --combined ")) {
      m_path.reset();
      m_combined = true;
    } else if (starts_with(text, "@@")) {
      if (!m_path) return;  // a hunk of a deleted file, or before any file header
      auto header = parse_hunk_header(text);
      if (!header) {
        throw core::Error(
            core::ExitCode::usage,
            fmt::format("diff:{}: cannot read the hunk header '{}'", number, text.substr(0, 60)),
            "pass the output of 'git diff' (unified format)");
      }
      m_in_hunk = true;
      m_next = header->new_start;
      m_new_left = header->new_count;
      m_old_left = header->old_count;
    }
  }

  ChangedLines take() { return std::move(m_changed); }

 private:
  // The current file is deleted: it has no new lines and no entry.
  void forget_file() {
    if (m_path) {
      auto it = m_changed.find(*m_path);
      if (it != m_changed.end() && it->second.empty()) m_changed.erase(it);
    }
    m_path.reset();
  }

  // A file section starts (new_section), or its new path is learnt from ---/+++ or a rename.
  void begin_file(const std::string& path, bool new_section) {
    if (path.empty()) {
      m_path.reset();
      return;
    }
    if (!new_section && m_path && *m_path != path) {
      // The section's first guess (from "diff --git") collected nothing; the new name wins.
      auto it = m_changed.find(*m_path);
      if (it != m_changed.end() && it->second.empty()) m_changed.erase(it);
    }
    m_path = path;
    m_changed[path];
  }

  // A line inside a hunk; false when the hunk has ended and `text` is something else.
  bool hunk_line(std::string_view text) {
    bool counted = m_new_left > 0 || m_old_left > 0;
    if (!counted) {
      // Past its counts, a hunk goes on only for lines that cannot be a header (diff-cover
      // reads hand-edited hunks as written).
      if (starts_with(text, "--- ") || starts_with(text, "+++ ") || starts_with(text, "@@") ||
          starts_with(text, "diff ")) {
        return false;
      }
    }
    if (text.empty() || text[0] == ' ') {  // context (an empty line: its space was stripped)
      if (!counted && text.empty()) return true;
      ++m_next;
      --m_new_left;
      --m_old_left;
      return true;
    }
    if (text[0] == '+') {
      m_changed[*m_path].insert(m_next++);
      --m_new_left;
      return true;
    }
    if (text[0] == '-') {
      --m_old_left;
      return true;
    }
    return text[0] == '\\';  // "\ No newline at end of file"
  }

  ChangedLines m_changed;
  std::optional<std::string> m_path;
  bool m_pending_old = false;
  bool m_header_seen = true;  // the current section has had its +++ line
  bool m_in_hunk = false;
  bool m_combined = false;  // inside a combined diff's section
  int m_next = 0;
  int m_new_left = 0;
  int m_old_left = 0;
};

}  // namespace

ChangedLines parse_unified_diff(std::string_view diff_text) {
  DiffParser parser;
  core::for_each_line(diff_text,
                      [&](int number, std::string_view line) { parser.line(number, line); });
  return parser.take();
}

}  // namespace factory::coverage
