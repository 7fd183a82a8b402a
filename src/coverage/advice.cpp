#include "coverage/advice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace factory::coverage {

namespace {

constexpr size_t k_max_recommendations = 30;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string without_go_punctuation(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '(' && c != ')' && c != '*') out += c;
  }
  return out;
}

// The innermost report function of `file` holding `line`, or nullptr.
const FunctionCoverage* function_at(const FileCoverage& file, int line) {
  const FunctionCoverage* best = nullptr;
  for (const auto& f : file.functions) {
    if (f.first_line <= line && line <= std::max(f.last_line, f.first_line) &&
        (!best || f.first_line > best->first_line)) {
      best = &f;
    }
  }
  return best;
}

std::string where(const std::string& path, int first, int last) {
  return first == last ? fmt::format("{}:{}", path, first)
                       : fmt::format("{}:{}-{}", path, first, last);
}

std::string lines_word(size_t n) {
  return n == 1 ? "line" : "lines";
}

// "add a test that runs f (p:1-9): lines 3, 4 never ran", or for lines outside any function
// "add a test that covers p lines 3, 4", grouped per function.
void advise_lines(const FileCoverage* file, const std::string& path, const std::vector<int>& lines,
                  std::vector<std::string>& out) {
  if (file && file->measured() > 0 && file->covered() == 0) {  // never imported or called
    out.push_back(fmt::format("add a test that loads {}: no test ran any of it", path));
    return;
  }
  std::map<const FunctionCoverage*, std::vector<int>> groups;
  for (int line : lines) groups[file ? function_at(*file, line) : nullptr].push_back(line);
  for (const auto& [f, group] : groups) {
    if (f) {
      out.push_back(fmt::format("add a test that runs {} ({}): {} {} never ran",
                                function_key(f->name),
                                where(path, f->first_line, std::max(f->last_line, f->first_line)),
                                lines_word(group.size()), format_lines(group)));
    } else {
      out.push_back(fmt::format("add a test that covers {} {} {}", path, lines_word(group.size()),
                                format_lines(group)));
    }
  }
}

void advise_item(const CriticalItem& item, const Report& report, std::vector<std::string>& out) {
  auto file = report.files.find(item.path);
  const FileCoverage* fc = file == report.files.end() ? nullptr : &file->second;
  if (item.unjudged) {
    out.push_back(
        fmt::format("name the file of {} with a critical glob: the report has no functions for {}",
                    item.rule, item.path));
  } else if (item.not_measured) {
    out.push_back(fmt::format("add a test that loads {}: no test ran any of it", item.path));
  } else if (!item.function.empty() && item.never_ran && item.uncovered.empty()) {
    out.push_back(fmt::format("add a test that calls {} ({}): it never ran",
                              function_key(item.function),
                              where(item.path, item.first_line, item.last_line)));
  } else if (!item.function.empty()) {
    out.push_back(fmt::format("add a test that runs {} ({}): {} {} never ran",
                              function_key(item.function),
                              where(item.path, item.first_line, item.last_line),
                              lines_word(item.uncovered.size()), format_lines(item.uncovered)));
  } else {
    advise_lines(fc, item.path, item.uncovered, out);
  }
}

std::string item_lines(const CriticalItem& item) {
  return fmt::format("{}:{}", item.path, format_lines(item.uncovered));
}

// The gate failures of one critical rule: its uncovered lines, its functions that never ran,
// the files no test loads and the files it cannot be checked in.
void add_rule_failures(Analysis& a, const std::string& rule) {
  std::vector<std::string> spots;
  std::vector<std::string> unloaded;
  std::vector<std::string> blind;
  size_t count = 0;
  bool function_rule = ends_with(rule, "()");
  for (const auto& item : a.critical) {
    if (item.rule != rule || item.covered()) continue;
    std::string range = where(item.path, item.first_line, item.last_line);
    if (item.unjudged) {
      blind.push_back(item.path);
    } else if (item.not_measured && !item.function.empty()) {
      a.gate_failures.push_back(fmt::format(
          "critical function {} ({}) changed, but no test loads {}", rule, range, item.path));
    } else if (item.not_measured) {
      unloaded.push_back(item.path);
    } else if (!item.function.empty() && item.uncovered.empty()) {
      a.gate_failures.push_back(
          fmt::format("critical function {} ({}) changed but never ran", rule, range));
    } else {
      count += item.uncovered.size();
      spots.push_back(item_lines(item));
    }
  }
  if (!spots.empty()) {
    a.gate_failures.push_back(fmt::format("critical {} {} has {} uncovered changed {}: {}",
                                          function_rule ? "function" : "path", rule, count,
                                          lines_word(count), fmt::join(spots, "; ")));
  }
  if (!unloaded.empty()) {
    a.gate_failures.push_back(fmt::format("critical path {} has changed files no test loads: {}",
                                          rule, fmt::join(unloaded, ", ")));
  }
  if (!blind.empty()) {
    a.gate_failures.push_back(fmt::format(
        "critical function {} cannot be checked: the report has no functions for the changed "
        "{}",
        rule, fmt::join(blind, ", ")));
  }
}

}  // namespace

std::string format_threshold(double value) {
  return fmt::format("{}", value);
}

std::string format_percent(double value) {
  double floored = std::floor(value * 10.0 + 1e-9) / 10.0;
  std::string text = fmt::format("{:.1f}", floored);
  if (ends_with(text, ".0")) text.resize(text.size() - 2);
  return text;
}

std::string format_lines(const std::vector<int>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    if (j - i >= 2) {
      out += fmt::format("{}-{}", lines[i], lines[j]);
    } else {
      out += std::to_string(lines[i]);
      if (j > i) out += fmt::format(", {}", lines[j]);
    }
    i = j + 1;
  }
  return out;
}

std::string function_key(std::string_view name) {
  while (ends_with(name, " const") || ends_with(name, " &") || ends_with(name, " &&") ||
         ends_with(name, " noexcept")) {
    name.remove_suffix(name.substr(name.rfind(' ')).size());
  }
  if (!ends_with(name, ")")) return std::string(name);
  int depth = 0;
  for (size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0)
      return i == 0 ? std::string(name) : std::string(name.substr(0, i));
  }
  return std::string(name);
}

bool function_matches(std::string_view name, std::string_view wanted) {
  std::string key = function_key(name);
  if (wanted.empty()) return false;
  if (key == wanted || without_go_punctuation(key) == without_go_punctuation(wanted)) return true;
  if (key.size() <= wanted.size() || !ends_with(key, wanted)) return false;
  char before = key[key.size() - wanted.size() - 1];
  return before == '.' || before == ':';
}

void add_recommendations(Analysis& analysis, const Report& report) {
  std::vector<std::string> out;
  std::set<std::pair<std::string, int>> advised;  // (path, line) already in a recommendation
  for (const auto& item : analysis.critical) {
    if (item.covered()) continue;
    advise_item(item, report, out);
    for (int line : item.uncovered) advised.insert({item.path, line});
  }
  for (const auto& file : analysis.files) {
    std::vector<int> rest;
    for (int line : file.uncovered_changed) {
      if (!advised.count({file.path, line})) rest.push_back(line);
    }
    if (rest.empty()) continue;
    auto fc = report.files.find(file.path);
    advise_lines(fc == report.files.end() ? nullptr : &fc->second, file.path, rest, out);
  }
  std::set<std::string> seen;
  for (auto& line : out) {
    if (analysis.recommendations.size() >= k_max_recommendations) break;
    if (seen.insert(line).second) analysis.recommendations.push_back(std::move(line));
  }
}

void add_gate_failures(Analysis& a, const Rules& rules) {
  if (rules.min_percent) {
    if (!a.percent) {
      a.gate_failures.push_back(fmt::format(
          "coverage is unknown: the report measures no line in the workspace (minimum {}%)",
          format_threshold(*rules.min_percent)));
    } else if (*a.percent < *rules.min_percent) {
      a.gate_failures.push_back(fmt::format("coverage {}% is below the minimum {}%",
                                            format_percent(*a.percent),
                                            format_threshold(*rules.min_percent)));
    }
  }
  // No measured changed line: nothing to hold to the patch minimum (diff-cover passes too).
  if (rules.min_patch_percent && a.patch_percent && *a.patch_percent < *rules.min_patch_percent) {
    a.gate_failures.push_back(fmt::format(
        "patch coverage {}% is below the minimum {}% ({} of {} changed lines never ran)",
        format_percent(*a.patch_percent), format_threshold(*rules.min_patch_percent),
        a.patch_measured - a.patch_covered, a.patch_measured));
  }
  // One failure per rule, in rule order.
  for (const auto& rule : rules.critical_paths) add_rule_failures(a, rule);
}

}  // namespace factory::coverage
