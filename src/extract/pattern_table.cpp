#include "extract/pattern_table.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "extract/embedded.hpp"
#include "extract/finding.hpp"
#include "extract/line_regex.hpp"

namespace factory::extract {

namespace {

constexpr std::array<std::pair<std::string_view, PatternKind>, 8> k_kinds = {{
    {"single", PatternKind::single},
    {"start", PatternKind::start},
    {"continue", PatternKind::cont},
    {"frame", PatternKind::frame},
    {"end", PatternKind::end},
    {"ignore", PatternKind::ignore},
    {"header", PatternKind::header},
    {"passed", PatternKind::passed},
}};
constexpr std::array<std::string_view, 9> k_keys = {
    "tool", "group", "kind", "regex", "severity", "message", "priority", "frames", "comment"};
constexpr std::array<std::string_view, 7> k_groups = {"file",    "line", "col", "severity",
                                                      "message", "code", "test"};

[[noreturn]] void fail(const toml::source_region& at, std::string_view source,
                       const std::string& key, const std::string& what, std::string hint) {
  throw core::Error(
      core::ExitCode::usage,
      fmt::format("{}:{}:{}: {} (key {})", source, at.begin.line, at.begin.column, what, key),
      std::move(hint));
}

std::string text_value(const toml::table& entry, std::string_view name, std::string_view source,
                       const std::string& key) {
  const toml::node* node = entry.get(name);
  if (!node) return "";
  if (auto value = node->value_exact<std::string>()) return *value;
  fail(node->source(), source, key + "." + std::string(name), "expected a string",
       fmt::format("quote the value: {} = \"...\"", name));
}

PatternKind kind_value(const toml::table& entry, std::string_view source, const std::string& key) {
  std::string kind = text_value(entry, "kind", source, key);
  if (kind.empty()) return PatternKind::single;
  for (const auto& [name, value] : k_kinds) {
    if (name == kind) return value;
  }
  fail(entry.get("kind")->source(), source, key + ".kind", fmt::format("unknown kind '{}'", kind),
       "use single, start, continue, frame, end, ignore, header or passed");
}

void check_regex(const PatternSpec& spec, const toml::table& entry, std::string_view source,
                 const std::string& key) {
  const auto& at = entry.get("regex") ? entry.get("regex")->source() : entry.source();
  if (spec.regex.empty()) {
    fail(at, source, key + ".regex", "a pattern needs a regex", "add regex = '^...$' (RE2 syntax)");
  }
  RE2 re(spec.regex, line_regex_options());
  if (!re.ok()) {
    fail(at, source, key + ".regex", fmt::format("bad regex: {}", re.error()),
         "RE2 syntax: no backreferences or lookaround; name groups (?P<file>...)");
  }
  for (const auto& [name, index] : re.NamedCapturingGroups()) {
    if (std::find(k_groups.begin(), k_groups.end(), name) == k_groups.end()) {
      fail(at, source, key + ".regex", fmt::format("unknown group name '{}'", name),
           "groups: file, line, col, severity, message, code, test");
    }
  }
}

}  // namespace

std::string re2_syntax(std::string_view regex) {
  std::string out;
  out.reserve(regex.size() + 8);
  for (size_t i = 0; i < regex.size(); ++i) {
    if (regex[i] == '\\' && i + 1 < regex.size()) {
      out += regex.substr(i, 2);
      ++i;
      continue;
    }
    out += regex[i];
    if (regex.substr(i, 3) == "(?<" && i + 3 < regex.size() && regex[i + 3] != '=' &&
        regex[i + 3] != '!') {
      out += "?P<";
      i += 2;
    }
  }
  return out;
}

PatternSpec pattern_from_toml(const toml::table& entry, std::string_view source,
                              const std::string& key) {
  for (auto&& [name, value] : entry) {
    if (std::find(k_keys.begin(), k_keys.end(), name.str()) == k_keys.end()) {
      fail(name.source(), source, key + "." + std::string(name.str()),
           fmt::format("unknown key '{}'", name.str()),
           "valid keys: tool, group, kind, regex, severity, message, priority, frames");
    }
  }
  PatternSpec spec;
  spec.tool = text_value(entry, "tool", source, key);
  if (spec.tool.empty()) {
    fail(entry.source(), source, key + ".tool", "a pattern needs a tool name",
         "add tool = \"...\"");
  }
  spec.group = text_value(entry, "group", source, key);
  if (spec.group.empty()) spec.group = spec.tool;
  spec.kind = kind_value(entry, source, key);
  spec.regex = re2_syntax(text_value(entry, "regex", source, key));
  spec.severity = text_value(entry, "severity", source, key);
  if (!spec.severity.empty() && !severity_from_word(spec.severity)) {
    fail(entry.get("severity")->source(), source, key + ".severity",
         fmt::format("unknown severity '{}'", spec.severity), "use error, warning, info or note");
  }
  spec.message = text_value(entry, "message", source, key);
  if (const toml::node* node = entry.get("priority")) {
    auto value = node->value_exact<int64_t>();
    if (!value || *value < -1000 || *value > 1000) {
      fail(node->source(), source, key + ".priority", "expected an integer from -1000 to 1000",
           "negative for lines caused by other errors (make: ***), positive to rank first");
    }
    spec.priority = static_cast<int>(*value);
  }
  std::string frames = text_value(entry, "frames", source, key);
  if (frames == "first") {
    spec.frames = FramePick::first;
  } else if (frames == "last") {
    spec.frames = FramePick::last;
  } else if (!frames.empty()) {
    fail(entry.get("frames")->source(), source, key + ".frames",
         fmt::format("unknown frames '{}'", frames), "use \"first\" or \"last\"");
  }
  check_regex(spec, entry, source, key);
  spec.origin = fmt::format("{}:{}", source, entry.source().begin.line);
  return spec;
}

std::vector<PatternSpec> parse_patterns(std::string_view toml_text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{}:{}:{}: {}", origin, e.source().begin.line,
                                  e.source().begin.column, e.description()),
                      "fix the TOML syntax");
  }
  std::vector<PatternSpec> out;
  for (auto&& [name, value] : root) {
    if (name.str() != "pattern" || !value.is_array_of_tables()) {
      fail(name.source(), origin, std::string(name.str()),
           fmt::format("unexpected key '{}'", name.str()),
           "a format file holds [[pattern]] tables");
    }
  }
  if (const toml::array* patterns = root["pattern"].as_array()) {
    for (size_t i = 0; i < patterns->size(); ++i) {
      out.push_back(
          pattern_from_toml(*patterns->get(i)->as_table(), origin, fmt::format("pattern[{}]", i)));
    }
  }
  return out;
}

const std::vector<PatternSpec>& builtin_patterns() {
  static const std::vector<PatternSpec> k_table = [] {
    std::vector<PatternSpec> specific;
    std::vector<PatternSpec> generic;
    for (const auto& format : embedded_formats()) {
      auto origin = fmt::format("formats/{}.toml", format.name);
      auto patterns = parse_patterns(format.toml, origin);
      auto& into = format.name == "generic" ? generic : specific;
      into.insert(into.end(), patterns.begin(), patterns.end());
    }
    specific.insert(specific.end(), generic.begin(), generic.end());
    return specific;
  }();
  return k_table;
}

}  // namespace factory::extract
