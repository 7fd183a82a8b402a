#include "extract/matcher.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/error.hpp"
#include "extract/line_regex.hpp"

namespace factory::extract {

namespace {

constexpr std::array<std::string_view, k_field_count> k_field_names = {
    "file", "line", "col", "severity", "message", "code", "test"};

// Named groups become plain groups: the candidate regex joins every pattern, and names repeat.
std::string without_names(const std::string& regex) {
  std::string out;
  for (size_t i = 0; i < regex.size(); ++i) {
    if (regex[i] == '\\' && i + 1 < regex.size()) {
      out += regex.substr(i, 2);
      ++i;
    } else if (regex.compare(i, 4, "(?P<") == 0) {
      size_t close = regex.find('>', i);
      out += "(?:";
      i = close;
    } else {
      out += regex[i];
    }
  }
  return out;
}

// Each regex compiled alone, but the table as a whole is past RE2's memory bound: only a
// project's own [[extract.patterns]] can do that (the built-in table is tested).
[[noreturn]] void too_large(const std::string& where) {
  throw core::Error(core::ExitCode::usage,
                    fmt::format("{}: the extraction patterns do not fit RE2's memory bound", where),
                    "make [[extract.patterns]] in .factory.toml smaller: large counted repeats "
                    "such as \\w{1000} cost the most");
}

bool starts_finding(PatternKind kind) {
  return kind == PatternKind::single || kind == PatternKind::start || kind == PatternKind::header ||
         kind == PatternKind::passed;
}

}  // namespace

CompiledTable::CompiledTable(const std::vector<PatternSpec>& specs) {
  const auto options = line_regex_options();
  m_idle_set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  // Structured lines: go test -json events, cargo JSON messages, GCC's JSON array.
  std::string candidates = R"((?m)^\s*\{"|^\[\{)";
  for (const auto& spec : specs) {
    CompiledPattern pattern{spec, std::make_unique<RE2>(spec.regex, options), {}, 0};
    if (!pattern.re->ok()) {
      throw std::runtime_error(fmt::format("{}: bad regex: {}", spec.origin, pattern.re->error()));
    }
    pattern.groups = pattern.re->NumberOfCapturingGroups();
    for (const auto& [name, index] : pattern.re->NamedCapturingGroups()) {
      for (size_t f = 0; f < k_field_count; ++f) {
        if (k_field_names[f] == name) pattern.group_of[f] = index;
      }
    }
    bool idle = starts_finding(spec.kind) || spec.kind == PatternKind::ignore;
    if (idle) {
      if (m_idle_set->Add(spec.regex, nullptr) < 0) too_large(spec.origin);
      m_idle.push_back(m_patterns.size());
    }
    if (starts_finding(spec.kind)) candidates += "|(?:" + without_names(spec.regex) + ")";
    if (spec.kind == PatternKind::start || spec.kind == PatternKind::cont ||
        spec.kind == PatternKind::frame || spec.kind == PatternKind::end) {
      m_by_group[spec.group].push_back(m_patterns.size());
    }
    m_patterns.push_back(std::move(pattern));
  }
  if (!m_idle_set->Compile()) too_large("the patterns together");
  m_candidates = std::make_unique<RE2>(candidates, options);
  if (!m_candidates->ok()) too_large("the patterns together");
}

size_t CompiledTable::next_candidate(std::string_view text, size_t pos) const {
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  if (!m_candidates->Match(input, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
    return std::string_view::npos;
  }
  size_t at = static_cast<size_t>(match.data() - text.data());
  size_t line_start = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  if (line_start == std::string_view::npos || line_start < pos) return pos;
  return line_start + 1;
}

bool CompiledTable::capture(const CompiledPattern& pattern, std::string_view line,
                            Captures& captures) const {
  std::array<re2::StringPiece, 16> groups;
  int wanted = std::min<int>(pattern.groups + 1, groups.size());
  re2::StringPiece input(line.data(), line.size());
  if (!pattern.re->Match(input, 0, line.size(), RE2::UNANCHORED, groups.data(), wanted)) {
    return false;
  }
  for (size_t f = 0; f < k_field_count; ++f) {
    int index = pattern.group_of[f];
    captures[f] = index > 0 && index < wanted && groups[index].data() != nullptr
                      ? std::string_view(groups[index].data(), groups[index].size())
                      : std::string_view();
  }
  return true;
}

const CompiledPattern* CompiledTable::match_idle(std::string_view line, Captures& captures) const {
  std::vector<int> hits;
  if (!m_idle_set->Match(re2::StringPiece(line.data(), line.size()), &hits)) return nullptr;
  std::sort(hits.begin(), hits.end());
  for (int hit : hits) {
    const auto& pattern = m_patterns[m_idle[hit]];
    if (capture(pattern, line, captures)) return &pattern;
  }
  return nullptr;
}

const CompiledPattern* CompiledTable::match_in_group(const std::string& group,
                                                     std::string_view line,
                                                     Captures& captures) const {
  auto patterns = m_by_group.find(group);
  if (patterns == m_by_group.end()) return nullptr;
  for (size_t index : patterns->second) {
    if (capture(m_patterns[index], line, captures)) return &m_patterns[index];
  }
  return nullptr;
}

}  // namespace factory::extract
