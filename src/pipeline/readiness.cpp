#include "pipeline/readiness.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "core/glob.hpp"
#include "core/json_text.hpp"
#include "pipeline/boundary_gate.hpp"
#include "pipeline/change_measures.hpp"
#include "pipeline/coverage_gate.hpp"

namespace factory::pipeline {

using core::Stage;
using core::StageState;

namespace {

// Runs one measurement; an exception becomes the metric's "not measured" reason, so one
// broken source never hides the others.
template <typename Fn>
void measure(std::string& not_measured, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    not_measured = e.what();
  }
}

// "42-44,50": ascending line numbers with runs folded.
std::string line_ranges(const std::vector<int>& lines) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
    parts.push_back(j == i ? std::to_string(lines[i]) : fmt::format("{}-{}", lines[i], lines[j]));
    i = j + 1;
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

// "src/pay.py:42-44 charge_card()", "src/pay.py:40 charge_card() never ran", "src/pay.py:7":
// file:line first, as everywhere a finding is named.
std::string gap_text(const coverage::CriticalItem& item) {
  std::string where = item.uncovered.empty()
                          ? fmt::format("{}:{}", item.path, item.first_line)
                          : fmt::format("{}:{}", item.path, line_ranges(item.uncovered));
  if (item.function.empty()) return where;
  return fmt::format("{} {}(){}", where, item.function, item.never_ran ? " never ran" : "");
}

int whole_percent(const std::optional<double>& value) {
  return value ? static_cast<int>(std::lround(*value)) : 0;
}

// Why the coverage stage left no per-line measurement for the tree.
std::string why_no_coverage(const store::Store& store, const store::TaskRow& task,
                            const std::string& tree_id) {
  auto green = store.green_on_tree(task.id, Stage::coverage, tree_id);
  if (!green) return "the coverage stage has no green result on this tree";
  if (green->outcome == core::Outcome::skipped) {
    return fmt::format("coverage stage skipped ({})", green->detail);
  }
  return "the coverage stage wrote no per-line report (only its printed total)";
}

void measure_coverage(core::Readiness& r, vcs::Vcs& vcs, const store::Store& store,
                      const TaskSetup& setup) {
  auto rules = coverage_rules(setup.contract, setup.config);
  r.coverage.threshold = whole_percent(rules.min_percent);
  r.patch.threshold = whole_percent(rules.min_patch_percent);
  r.critical.declared = static_cast<int>(rules.critical_paths.size());
  std::string why;
  std::optional<coverage::Analysis> analysis;
  measure(why, [&] {
    analysis = stored_coverage(store, setup.task.id, r.tree_id, rules,
                               task_changed_lines(vcs, setup.task));
    if (!analysis) why = why_no_coverage(store, setup.task, r.tree_id);
  });
  if (!analysis) {
    r.coverage.not_measured = r.patch.not_measured = r.critical.not_measured = why;
    return;
  }
  r.coverage.percent = analysis->percent;
  r.coverage.covered = analysis->covered;
  r.coverage.measured = analysis->measured;
  r.patch.percent = analysis->patch_percent;
  r.patch.covered = analysis->patch_covered;
  r.patch.measured = analysis->patch_measured;
  r.critical.total = analysis->critical_total;
  r.critical.covered = analysis->critical_covered;
  for (const auto& item : analysis->critical) {
    if (!item.covered()) r.critical.gaps.push_back(gap_text(item));
  }
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Whether `dir` had files before the task: a change modifies or deletes a file under it, or it
// holds a file on disk that the task did not add.
bool dir_existed(const std::string& dir, const std::vector<vcs::FileChange>& changes,
                 const std::set<std::string>& added, const fs::path& workspace) {
  if (dir == ".") return true;
  std::string prefix = dir + "/";
  for (const auto& c : changes) {
    if (c.kind != 'A' && c.path.starts_with(prefix)) return true;
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(workspace / dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto relative = fs::relative(it->path(), workspace, ec).generic_string();
    if (!ec && !added.count(relative)) return true;
  }
  return false;
}

void measure_patterns(core::PatternMetric& m, const std::vector<vcs::FileChange>& changes,
                      const TaskSetup& setup) {
  std::set<std::string> added;
  for (const auto& c : changes) {
    if (c.kind == 'A') added.insert(c.path);
  }
  std::map<std::string, int> per_dir;
  for (const auto& path : added) {
    if (core::glob_match_any(setup.tmpl.test_globs, path)) {
      ++m.new_test_files;
      continue;
    }
    m.new_files.push_back(path);
    ++per_dir[parent_dir(path)];
  }
  for (const auto& [dir, files] : per_dir) {
    m.groups.push_back({dir, files, dir_existed(dir, changes, added, setup.task.workspace)});
  }
}

void measure_diff(core::Readiness& r, vcs::Vcs& vcs, const TaskSetup& setup) {
  const auto& task = setup.task;
  std::vector<vcs::FileChange> changes;
  std::string why;
  measure(why, [&] { changes = vcs.changes_since(task.workspace, task.base_commit); });
  if (!why.empty()) {
    r.lines.not_measured = r.patterns.not_measured = r.boundaries.not_measured = why;
  } else {
    r.lines.files = static_cast<int>(changes.size());
    for (const auto& c : changes) {
      if (c.added_lines < 0) ++r.lines.binary_files;
      r.lines.added += std::max(c.added_lines, 0);
      r.lines.removed += std::max(c.removed_lines, 0);
    }
    r.lines.size = core::size_class(lines_changed(changes));
    measure(r.patterns.not_measured, [&] { measure_patterns(r.patterns, changes, setup); });
    measure(r.boundaries.not_measured, [&] {
      r.boundaries.files = static_cast<int>(changes.size());
      for (const auto& v : task_boundary_violations(setup, changes)) {
        r.boundaries.violations.push_back({v.path, v.reason});
      }
    });
  }
  measure(r.dependencies.not_measured, [&] {
    r.dependencies.items =
        new_dependencies(vcs, task.workspace, task.base_commit,
                         vcs.added_lines_since(task.workspace, task.base_commit));
  });
}

core::StageStatus stage_status(const store::Store& store, const TaskSetup& setup, Stage stage,
                               const std::string& tree_id) {
  const auto& task = setup.task;
  core::StageStatus s;
  s.stage = stage;
  auto contract_stage = setup.contract.stages.find(stage);
  s.required = contract_stage != setup.contract.stages.end() && contract_stage->second.required;
  if (stage == Stage::tdd_setup && !task.tdd) {
    s.state = StageState::skipped;
    s.detail = "tdd disabled for this task";
    return s;
  }
  if (auto row = store.green_on_tree(task.id, stage, tree_id)) {
    s.state = row->outcome == core::Outcome::skipped ? StageState::skipped : StageState::green;
    s.detail = row->detail;
    return s;
  }
  if (stage == Stage::tdd_setup && task.red_confirmed_at) {
    s.state = StageState::green;
    s.detail = "red confirmed";
    return s;
  }
  s.state = StageState::not_green;
  s.detail = "no green result on this tree";
  return s;
}

}  // namespace

core::Readiness measure_readiness(vcs::Vcs& vcs, const store::Store& store, const TaskSetup& setup,
                                  const std::string& tree_id) {
  core::Readiness r;
  r.tree_id = tree_id;
  measure_coverage(r, vcs, store, setup);
  measure_diff(r, vcs, setup);
  measure(r.stages.not_measured, [&] {
    for (Stage stage : core::all_stages()) {
      r.stages.stages.push_back(stage_status(store, setup, stage, tree_id));
    }
  });
  if (!r.stages.is_measured()) r.stages.stages.clear();
  core::assess(r);
  return r;
}

core::Readiness remeasure_readiness(vcs::Vcs& vcs, store::Store& store, const TaskSetup& setup) {
  auto tree = vcs.content_tree_id(setup.task.workspace);
  auto readiness = measure_readiness(vcs, store, setup, tree);
  store.put_readiness(setup.task.id, tree, core::json_text(readiness_to_json(readiness)));
  return readiness;
}

void publish_readiness(vcs::Vcs& vcs, store::Store& store, const TaskSetup& setup,
                       const std::string& tree_id, Observer& observer) {
  try {
    auto readiness = measure_readiness(vcs, store, setup, tree_id);
    store.put_readiness(setup.task.id, tree_id, core::json_text(readiness_to_json(readiness)));
    observer.readiness(readiness);
  } catch (const std::exception& e) {
    observer.readiness_unmeasured(e.what());
  } catch (...) {
    observer.readiness_unmeasured("unknown error");
  }
}

std::optional<core::Readiness> latest_readiness(const store::Store& store,
                                                const std::string& task) {
  auto stored = store.latest_readiness(task);
  if (!stored) return std::nullopt;
  try {
    return readiness_from_json(nlohmann::json::parse(stored->second));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace factory::pipeline
