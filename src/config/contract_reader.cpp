#include "config/contract_reader.hpp"

#include "config/pattern.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"

namespace factory::config {

namespace {

constexpr std::string_view k_stages_hint =
    "stages are: tdd-setup, implement, unit-test, coverage, lint, static, integration, security, "
    "review, accept";

// What a node holds, for "expected X, got Y" messages.
std::string described(const YAML::Node& node) {
  if (!node || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  return fmt::format("'{}'", node.Scalar());
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "did you mean 'x'? " for a close known key, then the full list.
std::string unknown_key_hint(std::string_view name, std::initializer_list<std::string_view> known) {
  std::string_view best;
  size_t best_distance = 3;  // further than two edits is not a typo
  for (auto key : known) {
    size_t d = edit_distance(name, key);
    if (d < best_distance && d < key.size()) {
      best = key;
      best_distance = d;
    }
  }
  std::string list = fmt::format("valid keys here: {}", fmt::join(known, ", "));
  return best.empty() ? list : fmt::format("did you mean '{}'? {}", best, list);
}

std::string child_path(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : fmt::format("{}.{}", parent, name);
}

}  // namespace

const Field* find(const Fields& fields, std::string_view name) {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

YAML::Node load_document(std::string_view text, const std::string& source, std::string_view kind) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("{}:{}:{}: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg),
        "fix the YAML syntax (indent with spaces, quote values that contain ': ' or start with "
        "a special character)");
  }
  if (documents.size() > 1) {
    Field second{documents[1], documents[1], "", "", 0};
    ContractReader(source).fail(second, "the file holds more than one YAML document",
                                fmt::format("{} is one document: remove the second '---'", kind));
  }
  return documents.empty() ? YAML::Node() : documents.front();
}

void ContractReader::fail(const Field& field, std::string_view what, std::string hint) const {
  YAML::Mark mark = field.value.Mark();
  if (mark.is_null()) mark = field.key.Mark();
  std::string where =
      mark.is_null() ? m_source : fmt::format("{}:{}:{}", m_source, mark.line + 1, mark.column + 1);
  std::string message = field.path.empty()
                            ? fmt::format("{}: {}", where, what)
                            : fmt::format("{}: {} (key {})", where, what, field.path);
  throw core::Error(core::ExitCode::usage, message, std::move(hint));
}

Fields ContractReader::fields(const Field& field,
                              std::initializer_list<std::string_view> known) const {
  if (!field.value.IsMap()) {
    fail(field, fmt::format("expected a mapping, got {}", described(field.value)),
         "write it as `key: value` lines indented under it");
  }
  Fields out;
  size_t order = 0;
  for (const auto& entry : field.value) {
    Field key_only{entry.first, entry.first, field.path, "", 0};
    if (!entry.first.IsScalar()) fail(key_only, "a key must be a plain name", "use `name: value`");
    std::string name = entry.first.Scalar();
    Field child{entry.first, entry.second, child_path(field.path, name), name, order++};
    key_only.path = child.path;
    if (known.size() > 0 && std::find(known.begin(), known.end(), name) == known.end()) {
      fail(key_only, fmt::format("unknown key '{}'", name), unknown_key_hint(name, known));
    }
    if (out.contains(name)) {
      fail(key_only, fmt::format("duplicate key '{}'", name), "each key may appear only once");
    }
    out.emplace(name, std::move(child));
  }
  return out;
}

std::vector<Field> ContractReader::items(const Field& field, std::string_view expected) const {
  if (field.value.IsNull()) return {};
  if (!field.value.IsSequence()) {
    fail(field, fmt::format("expected {}, got {}", expected, described(field.value)),
         "write a list as [a, b] or as '- a' lines");
  }
  std::vector<Field> out;
  for (size_t i = 0; i < field.value.size(); ++i) {
    YAML::Node item = field.value[i];
    out.push_back({item, item, fmt::format("{}[{}]", field.path, i), field.name, i});
  }
  return out;
}

const Field& ContractReader::required(const Fields& fields, const Field& parent,
                                      std::string_view name) const {
  if (const Field* found = find(fields, name)) return *found;
  Field at = parent;
  at.path = child_path(parent.path, name);
  fail(at, fmt::format("missing key '{}'", name), fmt::format("add `{}: ...`", name));
}

std::string ContractReader::string(const Field& field) const {
  if (!field.value.IsScalar()) {
    fail(field, fmt::format("expected a string, got {}", described(field.value)),
         "quote text that contains ': ', '#' or starts with a special character");
  }
  return field.value.Scalar();
}

std::string ContractReader::text(const Field& field) const {
  return field.value.IsNull() ? std::string() : string(field);
}

bool ContractReader::boolean(const Field& field) const {
  std::string value = field.value.IsScalar() ? field.value.Scalar() : "";
  if (value == "true" || value == "True" || value == "TRUE") return true;
  if (value == "false" || value == "False" || value == "FALSE") return false;
  fail(field, fmt::format("expected true or false, got {}", described(field.value)),
       "write true or false");
}

int ContractReader::integer(const Field& field, int min, int max) const {
  std::string text = field.value.IsScalar() ? field.value.Scalar() : "";
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  bool whole = !text.empty() && ec == std::errc() && end == text.data() + text.size();
  if (!whole || value < min || value > max) {
    std::string range =
        max == INT32_MAX ? fmt::format("{} or more", min) : fmt::format("from {} to {}", min, max);
    std::string what =
        whole && value < 0 && min == 0
            ? fmt::format("must not be negative, got {}", value)
            : fmt::format("expected a whole number {}, got {}", range, described(field.value));
    fail(field, what, fmt::format("use a whole number {}", range));
  }
  return value;
}

int ContractReader::count(const Field& field) const {
  return integer(field, 0, INT32_MAX);
}

double ContractReader::number(const Field& field) const {
  std::string_view text = field.value.IsScalar() ? field.value.Scalar() : std::string_view();
  if (text.starts_with('+') && text.size() > 1 && text[1] != '-') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    fail(field, fmt::format("expected a number, got {}", described(field.value)),
         "write a plain number such as 0.05, 12 or 1e-3");
  }
  return value;
}

std::chrono::milliseconds ContractReader::duration(const Field& field) const {
  std::string text = field.value.IsScalar() ? field.value.Scalar() : "";
  auto parsed = core::parse_duration(text);
  if (!parsed || parsed->count() <= 0) {
    fail(field, fmt::format("expected a positive duration, got {}", described(field.value)),
         "durations look like \"90s\", \"5m\", \"1h\", \"250ms\" or a number of seconds, "
         "at most \"24h\"");
  }
  return *parsed;
}

std::string ContractReader::regex(const Field& field) const {
  std::string pattern = string(field);
  if (auto problem = pattern_error(pattern)) {
    fail(field, fmt::format("bad regular expression '{}': {}", pattern, *problem),
         "patterns are PCRE2 (Perl-style) regular expressions; ^ and $ match at line ends; "
         "escape ( ) [ ] { } . * + ? | with a backslash to match them literally");
  }
  return pattern;
}

std::vector<std::string> ContractReader::globs(const Field& field) const {
  std::vector<std::string> out;
  for (const Field& item : items(field, "a list of globs")) {
    out.push_back(string(item));
    if (auto problem = core::glob_error(out.back())) {
      fail(item, fmt::format("bad glob '{}': {}", out.back(), *problem),
           "globs are gitignore-style and relative to the repository root: `src/**`, `*.md`, "
           "`tests/unit/`, `!src/generated/**` (see contracts/README.md)");
    }
  }
  return out;
}

std::string ContractReader::workspace_path(const Field& field) const {
  std::string path = string(field);
  bool climbs = path == ".." || path.starts_with("../") || path.find("/../") != std::string::npos ||
                path.ends_with("/..");
  if (path.empty() || path.starts_with('/') || climbs) {
    fail(field, fmt::format("the path '{}' is not inside the workspace", path),
         "give a path relative to the task's workspace, without '..', e.g. `build/hello.txt`");
  }
  return path;
}

core::Stage ContractReader::stage(const Field& entry) const {
  if (auto stage = core::parse_stage(entry.name)) return *stage;
  Field at{entry.key, entry.key, entry.path, entry.name, entry.order};
  fail(at, fmt::format("unknown stage '{}'", entry.name), std::string(k_stages_hint));
}

}  // namespace factory::config
