#include "coverage/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

#include "core/glob.hpp"
#include "coverage/advice.hpp"
#include "coverage/source_functions.hpp"

namespace factory::coverage {

namespace {

bool is_function_rule(std::string_view rule) {
  return rule.size() > 2 && rule.substr(rule.size() - 2) == "()";
}

std::string extension_of(std::string_view path) {
  auto slash = path.rfind('/');
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return std::string(path.substr(dot));
}

std::string_view folder_of(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// Whether a changed file the report does not name is one no test loaded: the report measures
// files of its kind (same extension), so the tool would have measured it had a test loaded it.
// Not so for a C/C++ header (a declaration compiles to no code) or a Go file in a package the
// profile measures (it was compiled with the package; it just has no statements).
bool unloaded(const Report& report, std::string_view path) {
  std::string ext = extension_of(path);
  if (ext.empty() || is_c_header(path)) return false;
  bool go = ext == ".go";
  return std::none_of(report.files.begin(), report.files.end(),
                      [&](const auto& f) { return go && folder_of(f.first) == folder_of(path); }) &&
         std::any_of(report.files.begin(), report.files.end(),
                     [&](const auto& f) { return extension_of(f.first) == ext; });
}

bool changes_range(const std::set<int>& lines, int first, int last) {
  auto it = lines.lower_bound(first);
  return it != lines.end() && *it <= last;
}

FileResult measure_file(const FileCoverage& file, const ChangedLines& changed) {
  FileResult r;
  r.path = file.path;
  r.measured = file.measured();
  r.covered = file.covered();
  r.percent = percent(r.covered, r.measured);
  auto ch = changed.find(file.path);
  if (ch != changed.end()) {
    for (int line : ch->second) {
      auto it = file.lines.find(line);
      if (it == file.lines.end()) continue;  // not measured: counts neither way
      ++r.patch_measured;
      if (it->second > 0) {
        ++r.patch_covered;
      } else {
        r.uncovered_changed.push_back(line);
      }
    }
  }
  r.patch_percent = percent(r.patch_covered, r.patch_measured);
  return r;
}

FunctionResult measure_function(const FileCoverage& file, const FunctionCoverage& f) {
  FunctionResult r;
  r.path = file.path;
  r.name = f.name;
  r.first_line = f.first_line;
  r.last_line = f.last_line;
  r.hit = f.hits > 0;
  if (f.last_line >= f.first_line && f.first_line > 0) {
    for (auto it = file.lines.lower_bound(f.first_line);
         it != file.lines.end() && it->first <= f.last_line; ++it) {
      ++r.measured;
      if (it->second > 0) ++r.covered;
    }
  }
  r.percent = percent(r.covered, r.measured);
  return r;
}

// Fills a critical item's measured and uncovered changed lines within [first, last].
void measure_item(CriticalItem& item, const FileCoverage* file, const std::set<int>& changed,
                  int first, int last) {
  for (auto it = changed.lower_bound(first); it != changed.end() && *it <= last; ++it) {
    auto hit = file->lines.find(*it);
    if (hit == file->lines.end()) continue;
    ++item.changed_measured;
    if (hit->second == 0) item.uncovered.push_back(*it);
  }
}

class CriticalFinder {
 public:
  CriticalFinder(const Report& report, const ChangedLines& changed)
      : m_report(report), m_changed(changed) {}

  void glob_rule(const std::string& rule) {
    bool known = false;
    for (const auto& [path, lines] : m_changed) {
      if (!core::glob_match(rule, path)) continue;
      known = true;
      if (lines.empty() || !m_seen.insert({path, "", 0}).second) continue;
      auto file = m_report.files.find(path);
      CriticalItem item{rule, path, "", 0, 0, 0, {}, false, false};
      if (file == m_report.files.end()) {
        if (!unloaded(m_report, path)) continue;  // not code the tool measures
        item.not_measured = true;
      } else {
        measure_item(item, &file->second, lines, 1, std::numeric_limits<int>::max());
      }
      m_items.push_back(std::move(item));
    }
    known = known || std::any_of(m_report.files.begin(), m_report.files.end(),
                                 [&](const auto& f) { return core::glob_match(rule, f.first); });
    if (!known) {
      m_warnings.push_back(
          fmt::format("critical path {} matches no file in the report or the change", rule));
    }
  }

  void function_rule(const std::string& rule) {
    std::string wanted = rule.substr(0, rule.size() - 2);
    bool known = false;  // some function anywhere matches the rule
    for (const auto& [path, file] : m_report.files) {
      for (const auto& f : file.functions) {
        if (!function_matches(f.name, wanted)) continue;
        known = true;
        add_function_item(rule, path, &file, f);
      }
    }
    // Changed files no test loaded: their functions never ran.
    for (const auto& [path, functions] : m_report.unreported) {
      bool check = !m_report.files.count(path) && unloaded(m_report, path);
      for (const auto& f : functions) {
        if (!function_matches(f.name, wanted)) continue;
        known = true;
        if (check) add_function_item(rule, path, nullptr, f);
      }
    }
    if (!known) unmatched_function_rule(rule);
  }

  std::vector<CriticalItem> take() { return std::move(m_items); }
  std::vector<std::string> take_warnings() { return std::move(m_warnings); }

 private:
  // An item for function `f` of `path` when the change touches it; `file` is null for a file
  // no test loaded.
  void add_function_item(const std::string& rule, const std::string& path, const FileCoverage* file,
                         const FunctionCoverage& f) {
    auto ch = m_changed.find(path);
    int last = std::max(f.last_line, f.first_line);
    if (ch == m_changed.end() || !changes_range(ch->second, f.first_line, last)) return;
    if (!m_seen.insert({path, f.name, f.first_line}).second) return;
    CriticalItem item{rule, path, f.name, f.first_line, last, 0, {}, false, false};
    if (!file) {
      item.not_measured = true;
      item.never_ran = true;
    } else {
      measure_item(item, file, ch->second, f.first_line, last);
      bool body_ran = std::any_of(file->lines.lower_bound(f.first_line), file->lines.end(),
                                  [&](const auto& l) { return l.first <= last && l.second > 0; });
      item.never_ran = f.hits == 0 && !body_ran;
    }
    m_items.push_back(std::move(item));
  }

  // A function rule that matches nothing: a gap when the function may hide in a changed file
  // without function data (the rule cannot be checked), else only a warning.
  void unmatched_function_rule(const std::string& rule) {
    bool blind = false;
    for (const auto& [path, lines] : m_changed) {
      auto file = m_report.files.find(path);
      if (file == m_report.files.end() || !file->second.functions.empty() ||
          derives_functions(path) || std::none_of(lines.begin(), lines.end(), [&](int l) {
            return file->second.lines.count(l) > 0;
          })) {
        continue;  // only changed code the report measures can hide the function
      }
      CriticalItem item{rule, path, "", 0, 0, 0, {}, false, false};
      item.unjudged = true;
      m_items.push_back(std::move(item));
      blind = true;
    }
    if (!blind) {
      m_warnings.push_back(
          fmt::format("critical function {} matches no function in the report", rule));
    }
  }

  const Report& m_report;
  const ChangedLines& m_changed;
  std::set<std::tuple<std::string, std::string, int>> m_seen;  // (path, function, first line)
  std::vector<CriticalItem> m_items;
  std::vector<std::string> m_warnings;
};

}  // namespace

Analysis analyze(const Report& report, const ChangedLines& changed, const Rules& rules) {
  Analysis a;
  a.outside = report.outside;
  a.min_percent = rules.min_percent;
  a.min_patch_percent = rules.min_patch_percent;
  for (const auto& [path, lines] : changed) a.changed_lines += static_cast<int>(lines.size());
  for (const auto& [path, file] : report.files) {
    FileResult r = measure_file(file, changed);
    a.covered += r.covered;
    a.measured += r.measured;
    a.patch_covered += r.patch_covered;
    a.patch_measured += r.patch_measured;
    a.files.push_back(std::move(r));
    for (const auto& f : file.functions) a.functions.push_back(measure_function(file, f));
  }
  a.percent = percent(a.covered, a.measured);
  a.patch_percent = percent(a.patch_covered, a.patch_measured);
  CriticalFinder finder(report, changed);
  for (const auto& rule : rules.critical_paths) {
    if (is_function_rule(rule)) {
      finder.function_rule(rule);
    } else {
      finder.glob_rule(rule);
    }
  }
  a.critical = finder.take();
  a.warnings = finder.take_warnings();
  a.critical_total = static_cast<int>(a.critical.size());
  a.critical_covered = static_cast<int>(std::count_if(a.critical.begin(), a.critical.end(),
                                                      [](const auto& i) { return i.covered(); }));
  add_recommendations(a, report);
  add_gate_failures(a, rules);
  return a;
}

}  // namespace factory::coverage
