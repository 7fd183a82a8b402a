#include "coverage/cpp_functions.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

namespace factory::coverage {

namespace {

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Blanks `text` from `from` up to the end of a quoted literal ending in `quote`.
size_t blank_quoted(std::string& text, size_t from, char quote) {
  size_t i = from + 1;
  for (; i < text.size() && text[i] != quote && text[i] != '\n'; ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) text[i++] = ' ';
    text[i] = ' ';
  }
  return i;  // the closing quote (kept) or the end of the line
}

// R"delim( ... )delim": blanks the body; returns the index of the closing quote.
size_t blank_raw(std::string& text, size_t quote) {
  size_t open = text.find('(', quote);
  if (open == std::string::npos) return quote;
  std::string end = ")" + text.substr(quote + 1, open - quote - 1) + "\"";
  size_t close = text.find(end, open);
  size_t stop = close == std::string::npos ? text.size() : close + end.size() - 1;
  for (size_t i = quote + 1; i < stop; ++i) {
    if (text[i] != '\n') text[i] = ' ';
  }
  return stop;
}

// The source with comments, string and character literals and preprocessor lines turned into
// spaces, newlines kept, so positions and line numbers stay those of the source.
std::string code_only(std::string_view source) {
  std::string text(source);
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\n') {
      line_start = true;
      continue;
    }
    if (line_start && c == '#') {  // a directive, with its backslash continuations
      for (; i < text.size() && !(text[i] == '\n' && (i == 0 || text[i - 1] != '\\')); ++i) {
        if (text[i] != '\n') text[i] = ' ';
      }
      line_start = true;
      continue;
    }
    if (!is_space(c)) line_start = false;
    if (c == '/' && next == '/') {
      for (; i < text.size() && text[i] != '\n'; ++i) text[i] = ' ';
      line_start = true;
    } else if (c == '/' && next == '*') {
      size_t end = text.find("*/", i + 2);
      end = end == std::string::npos ? text.size() : end + 2;
      for (; i < end; ++i) {
        if (text[i] != '\n') text[i] = ' ';
      }
      --i;
    } else if (c == '"' && i > 0 && text[i - 1] == 'R') {
      i = blank_raw(text, i);
    } else if (c == '"' || (c == '\'' && !(i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9'))) {
      i = blank_quoted(text, i, c);  // a ' after a digit is a digit separator (1'000)
    }
  }
  return text;
}

// The identifier ending just before `end` (exclusive), or empty.
std::string_view word_before(std::string_view text, size_t end) {
  size_t start = end;
  while (start > 0 && ident_char(text[start - 1])) --start;
  return text.substr(start, end - start);
}

size_t skip_space_back(std::string_view text, size_t end) {
  while (end > 0 && is_space(text[end - 1])) --end;
  return end;
}

// The (possibly qualified) function name written before the '(' at `paren`, as in
// "Calc::sub", "~Calc", "operator==", "operator()"; empty when there is none.
std::string name_before(std::string_view h, size_t paren) {
  size_t end = skip_space_back(h, paren);
  size_t ops = end;
  while (ops > 0 &&
         std::string_view("=!<>+-*/%^&|~[]()").find(h[ops - 1]) != std::string_view::npos &&
         end - ops < 3) {
    --ops;
  }
  std::string name;
  size_t at = end;
  if (ops < end && word_before(h, skip_space_back(h, ops)) == "operator") {
    at = skip_space_back(h, ops) - 8;
    name = "operator" + std::string(h.substr(ops, end - ops));
  } else {
    std::string_view word = word_before(h, end);
    if (word.empty() || (word[0] >= '0' && word[0] <= '9')) return {};
    at = end - word.size();
    name = std::string(word);
    if (at > 0 && h[at - 1] == '~') name = "~" + name, --at;
    if (word_before(h, skip_space_back(h, at)) == "operator") {  // operator bool()
      at = skip_space_back(h, at) - 8;
      name = "operator " + name;
    }
  }
  while (at >= 2 && h.substr(at - 2, 2) == "::") {  // Outer::Inner::name
    std::string_view outer = word_before(h, at - 2);
    if (outer.empty()) break;
    name = std::string(outer) + "::" + name;
    at -= 2 + outer.size();
  }
  return name;
}

size_t matching_paren(std::string_view h, size_t open) {
  int depth = 0;
  for (size_t i = open; i < h.size(); ++i) {
    if (h[i] == '(') ++depth;
    if (h[i] == ')' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

bool has_word(std::string_view h, std::string_view word) {
  for (size_t at = h.find(word); at != std::string_view::npos; at = h.find(word, at + 1)) {
    bool left = at == 0 || !ident_char(h[at - 1]);
    bool right = at + word.size() >= h.size() || !ident_char(h[at + word.size()]);
    if (left && right) return true;
  }
  return false;
}

// A function head: "int Calc::sub(int a, int b) const", "Calc::Calc() : m_x(1)".
struct FunctionHead {
  std::string name;
  bool init_list = false;  // ": member(...)" follows: braces in it are not the body
};

// What follows a parameter list in a definition; a word outside this set means the parens were
// a macro before the declaration (DEPRECATED("x") void f()).
bool declaration_tail(std::string_view word) {
  return one_of(word, {"const", "volatile", "noexcept", "override", "final", "throw", "try",
                       "requires", "mutable", "constexpr", "consteval"});
}

std::optional<FunctionHead> function_head(std::string_view h) {
  int depth = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    char c = h[i];
    if (c == ')' && depth > 0) --depth;
    if (depth == 0 && c == '=' && word_before(h, skip_space_back(h, i)) != "operator" &&
        std::string_view("=!<>+-*/%^&|").find(i > 0 ? h[i - 1] : ' ') == std::string_view::npos &&
        (i + 1 >= h.size() || h[i + 1] != '=')) {
      return std::nullopt;  // "auto x = ..." or "T a[] = {": an initialiser
    }
    if (c != '(') continue;
    if (depth++ > 0) continue;
    std::string name = name_before(h, i);
    std::string_view last = word_before(name, name.size());
    size_t close = matching_paren(h, i);
    if (name.empty() || close == std::string_view::npos || one_of(last, {"if",
                                                                         "for",
                                                                         "while",
                                                                         "switch",
                                                                         "catch",
                                                                         "return",
                                                                         "sizeof",
                                                                         "alignof",
                                                                         "decltype",
                                                                         "noexcept",
                                                                         "static_assert",
                                                                         "alignas",
                                                                         "__attribute__",
                                                                         "__declspec",
                                                                         "requires",
                                                                         "throw",
                                                                         "new",
                                                                         "delete",
                                                                         "typeid",
                                                                         "defined"})) {
      continue;
    }
    std::string_view tail = h.substr(close + 1);
    tail.remove_prefix(std::min(tail.size(), tail.find_first_not_of(" \t\r\n\f\v")));
    std::string_view next = tail.substr(
        0,
        tail.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"));
    if (!next.empty() && !declaration_tail(next)) continue;
    if (has_word(tail, "class") || has_word(tail, "struct")) return std::nullopt;
    bool init = tail.size() > 0 && tail[0] == ':' && (tail.size() < 2 || tail[1] != ':');
    return FunctionHead{name, init};
  }
  return std::nullopt;
}

// The first ':' that is not part of "::" (where a class's base list starts), or npos.
size_t lone_colon(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ':') continue;
    if (i + 1 < text.size() && text[i + 1] == ':') {
      ++i;
      continue;
    }
    return i;
  }
  return std::string_view::npos;
}

// The name a namespace or class head adds to the names inside it: "shop" for "namespace shop",
// "Calc" for "struct FACTORY_API Calc final : Base"; nullopt for any other block.
std::optional<std::string> scope_name(std::string_view h) {
  for (std::string_view keyword : {"namespace", "class", "struct", "union"}) {
    if (!has_word(h, keyword) || has_word(h, "enum") || h.find('(') < h.find(keyword)) continue;
    std::string_view rest = h.substr(h.find(keyword) + keyword.size());
    rest = rest.substr(0, std::min(rest.find('<'), lone_colon(rest)));  // template args, bases
    std::string name;
    for (size_t i = 0; i < rest.size();) {
      if (!ident_char(rest[i]) && rest[i] != ':') {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < rest.size() && (ident_char(rest[j]) || rest[j] == ':')) ++j;
      std::string_view word = rest.substr(i, j - i);
      if (word != "final" && word != "inline") name = std::string(word);
      i = j;
    }
    return name;
  }
  return std::nullopt;
}

// From `open` (a '{'), the index of its matching '}' (or the last index).
size_t matching_brace(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) return i;
  }
  return text.size() - 1;
}

class Scanner {
 public:
  Scanner(std::string text, const std::map<int, long long>& hits)
      : m_text(std::move(text)), m_hits(hits) {
    for (size_t i = 0; i < m_text.size(); ++i) {
      if (m_text[i] == '\n') m_line_starts.push_back(i + 1);
    }
  }

  std::vector<FunctionCoverage> run() {
    size_t head = 0;
    for (size_t i = 0; i < m_text.size(); ++i) {
      char c = m_text[i];
      if (c == ';') {
        head = i + 1;
      } else if (c == '}') {
        if (!m_scopes.empty()) m_scopes.pop_back();
        head = i + 1;
      } else if (c == '{') {
        i = open_brace(head, i);
        head = i + 1;
      }
    }
    return std::move(m_out);
  }

 private:
  int line_of(size_t pos) const {
    return static_cast<int>(std::upper_bound(m_line_starts.begin(), m_line_starts.end(), pos) -
                            m_line_starts.begin()) +
           1;
  }

  // Where a declaration really starts: after blanks and access specifiers ("public:").
  size_t declaration_start(size_t head, size_t end) const {
    std::string_view h(m_text.data() + head, end - head);
    size_t at = 0;
    for (;;) {
      while (at < h.size() && is_space(h[at])) ++at;
      std::string_view word = h.substr(at, h.find(':', at) - at);
      while (!word.empty() && is_space(word.back())) word.remove_suffix(1);
      bool access = one_of(word, {"public", "private", "protected"}) &&
                    h.find(':', at) != std::string_view::npos &&
                    h.substr(h.find(':', at), 2) != "::";
      if (!access) return head + at;
      at = h.find(':', at) + 1;
    }
  }

  std::string qualified(const std::string& name) const {
    std::string prefix;
    for (const auto& s : m_scopes) {
      if (!s.empty()) prefix += s + "::";
    }
    return prefix + name;
  }

  // Handles the '{' at `brace` whose declaration started at `head`; returns where to go on.
  size_t open_brace(size_t head, size_t brace) {
    std::string_view h(m_text.data() + head, brace - head);
    if (auto f = function_head(h)) {
      size_t body = brace;
      // In ": m_a(a), m_b{b} {" the brace after a name belongs to the initialiser list.
      while (f->init_list && body < m_text.size()) {
        size_t before = skip_space_back(m_text, body);
        if (before == 0 || !(ident_char(m_text[before - 1]) || m_text[before - 1] == '>')) break;
        body = m_text.find('{', matching_brace(m_text, body));
        if (body == std::string::npos) return m_text.size();
      }
      size_t end = matching_brace(m_text, body);
      int first = line_of(declaration_start(head, brace));
      int last = line_of(end);
      long long hits = 0;
      for (auto it = m_hits.lower_bound(first); it != m_hits.end() && it->first <= last; ++it) {
        hits = std::max(hits, it->second);
      }
      m_out.push_back({qualified(f->name), first, last, hits});
      return end;
    }
    m_scopes.push_back(scope_name(h).value_or(""));  // other blocks are searched through
    return brace;
  }

  std::string m_text;
  const std::map<int, long long>& m_hits;
  std::vector<size_t> m_line_starts;
  std::vector<std::string> m_scopes;  // names of the enclosing namespaces and classes
  std::vector<FunctionCoverage> m_out;
};

}  // namespace

std::vector<FunctionCoverage> cpp_functions(std::string_view source,
                                            const std::map<int, long long>& lines) {
  return Scanner(code_only(source), lines).run();
}

}  // namespace factory::coverage
