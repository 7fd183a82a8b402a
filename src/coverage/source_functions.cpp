#include "coverage/source_functions.hpp"

#include <algorithm>
#include <optional>

#include "core/lines.hpp"
#include "coverage/cpp_functions.hpp"

namespace factory::coverage {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string_view identifier_at(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && ident_char(s[n])) ++n;
  return s.substr(0, n);
}

// The most any measured line in [first, last] ran; nullopt when none is measured.
std::optional<long long> max_hits(const std::map<int, long long>& lines, int first, int last) {
  std::optional<long long> best;
  for (auto it = lines.lower_bound(first); it != lines.end() && it->first <= last; ++it) {
    best = std::max(best.value_or(0), it->second);
  }
  return best;
}

// Per Python line: where it stands for block structure (see python_functions).
struct PyLine {
  int indent = 0;
  bool content = false;     // not blank, not only a comment
  bool structural = false;  // content that starts outside any string or bracket
};

// A rough Python scanner: tracks triple-quoted strings and bracket depth across lines, so
// docstrings and wrapped argument lists do not end a block.
std::vector<PyLine> scan_python(const std::vector<std::string_view>& lines) {
  std::vector<PyLine> out(lines.size());
  char triple = 0;
  int depth = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    bool starts_inside = triple != 0 || depth > 0;
    int indent = 0;
    while (indent < static_cast<int>(line.size()) &&
           (line[indent] == ' ' || line[indent] == '\t')) {
      ++indent;
    }
    std::string_view rest = line.substr(indent);
    out[i].indent = indent;
    out[i].content = starts_inside ? !trim(line).empty() : !rest.empty() && rest[0] != '#';
    out[i].structural = out[i].content && !starts_inside;
    for (size_t j = 0; j < line.size(); ++j) {
      char c = line[j];
      if (triple != 0) {
        if (c == triple && line.substr(j, 3) == std::string(3, triple)) {
          triple = 0;
          j += 2;
        }
      } else if (c == '#') {
        break;
      } else if (c == '"' || c == '\'') {
        if (line.substr(j, 3) == std::string(3, c)) {
          triple = c;
          j += 2;
          continue;
        }
        for (++j; j < line.size() && line[j] != c; ++j) {
          if (line[j] == '\\') ++j;
        }
      } else if (c == '(' || c == '[' || c == '{') {
        ++depth;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
  }
  return out;
}

struct Scope {
  int indent;
  std::string name;  // qualified
  int first_line;
  bool is_function;
};

std::vector<FunctionCoverage> python_functions(const std::vector<std::string_view>& lines,
                                               const std::map<int, long long>& hits) {
  auto info = scan_python(lines);
  std::vector<FunctionCoverage> out;
  std::vector<Scope> stack;
  int last_content = 0;
  auto close = [&](int indent) {
    while (!stack.empty() && stack.back().indent >= indent) {
      const Scope& s = stack.back();
      if (s.is_function) {
        int header_end = s.first_line;  // a wrapped signature is part of the header
        while (header_end < static_cast<int>(info.size()) && info[header_end].content &&
               !info[header_end].structural) {
          ++header_end;
        }
        int end = std::max(last_content, s.first_line);
        auto body = max_hits(hits, header_end + 1, end);
        auto head = max_hits(hits, s.first_line, s.first_line);
        out.push_back({s.name, s.first_line, end, body.value_or(head.value_or(0))});
      }
      stack.pop_back();
    }
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    int number = static_cast<int>(i) + 1;
    if (info[i].structural) {
      close(info[i].indent);
      std::string_view rest = lines[i].substr(info[i].indent);
      if (rest.substr(0, 6) == "async ") rest = trim(rest.substr(6));
      bool is_def = rest.substr(0, 4) == "def ";
      bool is_class = rest.substr(0, 6) == "class ";
      if (is_def || is_class) {
        std::string_view name = identifier_at(trim(rest.substr(is_def ? 4 : 6)));
        if (!name.empty()) {
          std::string qualified =
              stack.empty() ? std::string(name) : stack.back().name + "." + std::string(name);
          stack.push_back({info[i].indent, qualified, number, is_def});
        }
      }
    }
    if (info[i].content) last_content = number;
  }
  close(-1);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.first_line < b.first_line; });
  return out;
}

// "(l *Limiter)" -> "(*Limiter)"; "(Limiter[T])" -> "Limiter".
std::string go_receiver(std::string_view inside) {
  inside = trim(inside);
  auto space = inside.find_last_of(" \t");
  std::string_view type = space == std::string_view::npos ? inside : trim(inside.substr(space + 1));
  if (auto bracket = type.find('['); bracket != std::string_view::npos)
    type = type.substr(0, bracket);
  if (!type.empty() && type[0] == '*') return "(" + std::string(type) + ")";
  return std::string(type);
}

std::vector<FunctionCoverage> go_functions(const std::vector<std::string_view>& lines,
                                           const std::map<int, long long>& hits) {
  std::vector<FunctionCoverage> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.substr(0, 5) != "func " && line.substr(0, 5) != "func(") continue;
    std::string_view rest = trim(line.substr(4));
    std::string receiver;
    if (!rest.empty() && rest[0] == '(') {
      auto close = rest.find(')');
      if (close == std::string_view::npos) continue;
      receiver = go_receiver(rest.substr(1, close - 1));
      rest = trim(rest.substr(close + 1));
    }
    std::string_view name = identifier_at(rest);
    if (name.empty()) continue;
    int first = static_cast<int>(i) + 1;
    int last = first;
    std::string_view code = trim(line.substr(0, line.find("//")));
    if (!ends_with(code, "}")) {  // not a one-line function: its end is "}" at column 0
      last = static_cast<int>(lines.size());
      for (size_t j = i + 1; j < lines.size(); ++j) {
        if (!lines[j].empty() && lines[j][0] == '}') {
          last = static_cast<int>(j) + 1;
          break;
        }
      }
    }
    std::string full = receiver.empty() ? std::string(name) : receiver + "." + std::string(name);
    out.push_back({full, first, last, max_hits(hits, first, last).value_or(0)});
  }
  return out;
}

}  // namespace

bool is_c_header(std::string_view path) {
  for (std::string_view ext : {".h", ".hh", ".hpp", ".hxx", ".h++", ".inl", ".ipp", ".tcc"}) {
    if (ends_with(path, ext)) return true;
  }
  return false;
}

bool is_c_family(std::string_view path) {
  for (std::string_view ext : {".c", ".cc", ".cpp", ".cxx", ".c++"}) {
    if (ends_with(path, ext)) return true;
  }
  return is_c_header(path);
}

bool derives_functions(std::string_view path) {
  return ends_with(path, ".py") || ends_with(path, ".go") || is_c_family(path);
}

std::vector<FunctionCoverage> derive_functions(std::string_view path, std::string_view source,
                                               const std::map<int, long long>& lines) {
  if (ends_with(path, ".py")) return python_functions(core::split_lines(source), lines);
  if (ends_with(path, ".go")) return go_functions(core::split_lines(source), lines);
  if (is_c_family(path)) return cpp_functions(source, lines);
  return {};
}

void drop_non_code_go_lines(std::string_view source, std::map<int, long long>& lines) {
  auto text = core::split_lines(source);
  for (auto it = lines.begin(); it != lines.end();) {
    size_t index = static_cast<size_t>(it->first) - 1;
    std::string_view line = index < text.size() ? trim(text[index]) : std::string_view();
    bool code = !line.empty() && line.substr(0, 2) != "//" &&
                line.find_first_not_of("{}()[],; \t") != std::string_view::npos;
    // A line past the end of the file is kept: the profile is newer than the source.
    if (!code && index < text.size()) {
      it = lines.erase(it);
    } else {
      ++it;
    }
  }
}

void fill_function_ends(FileCoverage& file) {
  auto& fns = file.functions;
  std::stable_sort(fns.begin(), fns.end(),
                   [](const auto& a, const auto& b) { return a.first_line < b.first_line; });
  int last_measured = file.lines.empty() ? 0 : file.lines.rbegin()->first;
  for (size_t i = 0; i < fns.size(); ++i) {
    if (fns[i].last_line >= fns[i].first_line || fns[i].first_line <= 0) continue;
    int limit = last_measured;
    for (size_t j = i + 1; j < fns.size(); ++j) {
      if (fns[j].first_line > fns[i].first_line) {
        limit = fns[j].first_line - 1;
        break;
      }
    }
    int end = fns[i].first_line;
    for (auto it = file.lines.lower_bound(fns[i].first_line);
         it != file.lines.end() && it->first <= limit; ++it) {
      end = it->first;
    }
    fns[i].last_line = end;
  }
}

}  // namespace factory::coverage
