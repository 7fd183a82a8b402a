#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "config/contract_file.hpp"

namespace factory::config {

namespace {

using core::AcceptanceCheck;

// A double-quoted YAML string: survives quotes, colons, newlines, unicode and leading dashes.
std::string yaml_quoted(std::string_view text) {
  YAML::Emitter out;
  out << YAML::DoubleQuoted << std::string(text);
  return out.c_str();
}

// Whether a literal block (`|`) gives back exactly `text`: one final newline, no leading
// blank or indent, no control characters (clip chomping and indentation rules otherwise bite).
bool fits_literal_block(std::string_view text) {
  if (text.size() < 2 || !text.ends_with('\n') || text.ends_with("\n\n")) return false;
  if (text.front() == ' ' || text.front() == '\n') return false;
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return c != '\n' && static_cast<unsigned char>(c) < 0x20; });
}

std::string text_value(std::string_view text) {
  if (!fits_literal_block(text)) return " " + yaml_quoted(text) + "\n";
  std::string out = " |\n";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end - start);
    out += line.empty() ? "\n" : fmt::format("  {}\n", line);
    start = end + 1;
  }
  return out;
}

std::string duration_text(std::chrono::milliseconds value) {
  long long ms = value.count();
  if (ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

// A list of strings, one "- item" line each, or " []" when empty.
std::string string_list(const std::vector<std::string>& items, std::string_view indent) {
  if (items.empty()) return " []\n";
  std::string out = "\n";
  for (const auto& item : items) out += fmt::format("{}- {}\n", indent, yaml_quoted(item));
  return out;
}

std::string render_boundaries(const core::Boundaries& b) {
  return "# Which files the task may change: gitignore-style globs relative to the repository\n"
         "# root (`**`, `*`, `?`, `[...]`). A \"!glob\" entry takes back an earlier match in the\n"
         "# same list. Forbidden wins over allowed (and ignores letter case); .factory/** is\n"
         "# always forbidden. allowed_files: [] allows nothing.\n"
         "boundaries:\n  allowed_files:" +
         string_list(b.allowed_files, "    ") +
         "  forbidden_files:" + string_list(b.forbidden_files, "    ");
}

// An unset section is shown commented out, so a person can uncomment it or append their own
// section to the file without writing the key twice (a duplicate key is an error).
std::string render_limits(const core::Limits& l) {
  std::string out =
      "# Size limits the review stage enforces; a commented-out line means no limit.\n";
  if (!l.max_lines_changed && !l.new_dependencies) {
    return out + "# limits:\n#   max_lines_changed: 400\n#   new_dependencies: 0\n";
  }
  out += "limits:\n";
  out += l.max_lines_changed ? fmt::format("  max_lines_changed: {}\n", *l.max_lines_changed)
                             : "  # max_lines_changed: 400\n";
  out += l.new_dependencies ? fmt::format("  new_dependencies: {}\n", *l.new_dependencies)
                            : "  # new_dependencies: 0\n";
  return out;
}

std::string render_coverage(const core::CoverageRules& c) {
  std::string out =
      "# Coverage the coverage stage and approve demand. Unset thresholds use .factory.toml's\n"
      "# [coverage] min and min_patch. Every changed line under a critical path (a glob, or a\n"
      "# function name ending in \"()\") must be covered, or approve is refused.\n";
  if (c == core::CoverageRules{}) {
    return out +
           "# coverage:\n#   min_percent: 80\n#   min_patch_percent: 90\n"
           "#   critical_paths: [\"src/payments/**\", \"charge_card()\"]\n";
  }
  out += "coverage:\n";
  out +=
      c.min_percent ? fmt::format("  min_percent: {}\n", *c.min_percent) : "  # min_percent: 80\n";
  out += c.min_patch_percent ? fmt::format("  min_patch_percent: {}\n", *c.min_patch_percent)
                             : "  # min_patch_percent: 90\n";
  out += "  critical_paths:" + string_list(c.critical_paths, "    ");
  return out;
}

std::string render_requirements(const std::vector<core::TestRequirement>& requirements) {
  std::string out =
      "# Tests this task must have and pass: the unit-test stage runs each one after the unit\n"
      "# tests and fails when it is missing or red. `factory new` adds one for every incident\n"
      "# (`factory incident list`) whose paths the boundaries may touch; incident 0 = by hand.";
  if (requirements.empty()) {
    return out +
           " Example:\n"
           "# requirements:\n"
           "#   - incident: 3\n"
           "#     test: \"tests/test_pay.py::test_refund_twice\"\n"
           "#     paths: [\"src/pay/**\"]\n"
           "#     reason: \"double refund\"\n";
  }
  out += "\nrequirements:\n";
  for (const auto& r : requirements) {
    out += fmt::format("  - incident: {}\n    test: {}\n", r.incident, yaml_quoted(r.test));
    out += "    paths:" + string_list(r.paths, "      ");
    out += fmt::format("    reason: {}\n", yaml_quoted(r.reason));
  }
  return out;
}

std::string render_tcr(const std::map<core::Stage, core::TcrBehavior>& tcr) {
  std::string out =
      "# Test && Commit || Revert per stage. Stages not listed keep the default: on, except\n"
      "# tdd-setup and accept, which never revert.";
  if (tcr.empty()) {
    return out +
           " Example:\n"
           "# tcr_behavior:\n"
           "#   lint:\n"
           "#     enabled: false\n"
           "#     reason: \"formatter migration in progress\"\n"
           "#     on_failure: { restore_to: last_green }\n";
  }
  out += "\ntcr_behavior:\n";
  for (const auto& [stage, b] : tcr) {
    out += fmt::format("  {}:\n    enabled: {}\n    reason: {}\n", core::stage_name(stage),
                       b.enabled, yaml_quoted(b.reason));
    out += fmt::format("    on_failure: {{ restore_to: {} }}\n", yaml_quoted(b.restore_to));
  }
  return out;
}

std::string render_stages(const std::map<core::Stage, core::ContractStage>& stages) {
  std::string out =
      "# Per-task overrides of the project's stage commands: command, timeout (\"90s\", \"5m\"),\n"
      "# retries, and required: true to make a SKIPPED stage fail the run.";
  if (stages.empty()) {
    return out +
           " Example:\n"
           "# stages:\n"
           "#   unit-test: { command: \"pytest -q\", timeout: 5m, retries: 1, required: true }\n";
  }
  out += "\nstages:\n";
  for (const auto& [stage, s] : stages) {
    out += fmt::format("  {}:\n", core::stage_name(stage));
    if (s.command) out += fmt::format("    command: {}\n", yaml_quoted(*s.command));
    if (s.timeout) out += fmt::format("    timeout: {}\n", duration_text(*s.timeout));
    if (s.retries) out += fmt::format("    retries: {}\n", *s.retries);
    out += fmt::format("    required: {}\n", s.required);
  }
  return out;
}

std::string render_check(const AcceptanceCheck& c) {
  std::string out = fmt::format("  - name: {}\n", yaml_quoted(c.name));
  switch (c.kind) {
    case AcceptanceCheck::Kind::file_exists:
      return out + fmt::format("    file_exists: {}\n", yaml_quoted(c.path));
    case AcceptanceCheck::Kind::file_matches:
      return out + fmt::format("    file_matches: {{ path: {}, pattern: {} }}\n",
                               yaml_quoted(c.path), yaml_quoted(c.pattern));
    case AcceptanceCheck::Kind::command:
      break;
  }
  out +=
      fmt::format("    command: {}\n    expect_exit: {}\n", yaml_quoted(c.command), c.expect_exit);
  if (c.expect_stdout) out += fmt::format("    expect_stdout: {}\n", yaml_quoted(*c.expect_stdout));
  if (c.timeout) out += fmt::format("    timeout: {}\n", duration_text(*c.timeout));
  return out;
}

std::string render_acceptance(const std::vector<AcceptanceCheck>& checks) {
  std::string out =
      "# Checks the accept stage runs, each reported by name. Kinds: file_exists: PATH;\n"
      "# file_matches: { path: PATH, pattern: REGEX }; command: CMD with expect_exit (default 0),\n"
      "# expect_stdout (a regex) and timeout (default 10m). Regexes are PCRE2.";
  if (checks.empty()) {
    return out +
           " Example:\n"
           "# acceptance:\n"
           "#   - name: greets\n"
           "#     file_matches: { path: hello.txt, pattern: \"^hello, world$\" }\n";
  }
  out += "\nacceptance:\n";
  for (const auto& check : checks) out += render_check(check);
  return out;
}

}  // namespace

std::string render_contract(const core::Contract& c) {
  std::string out =
      "# factory task contract: what this task may change and what it must prove.\n"
      "# Edit it from the main worktree; `factory contract check <task>` validates it.\n"
      "# Every field is described in factory's contracts/README.md.\n";
  out += fmt::format("task: {}\n", yaml_quoted(c.task));
  out += "# What the task is for, in free text.\ndescription:" + text_value(c.description);
  out += "# Where the description came from: a file path or a beads id (\"\" when none).\n";
  out += fmt::format("source: {}\n\n", yaml_quoted(c.source));
  out += render_boundaries(c.boundaries) + "\n";
  out += render_limits(c.limits) + "\n";
  out += render_tcr(c.tcr_behavior) + "\n";
  out += render_stages(c.stages) + "\n";
  out += render_acceptance(c.acceptance) + "\n";
  out += render_coverage(c.coverage) + "\n";
  out += render_requirements(c.requirements) + "\n";
  out += "# Who may approve this task (user names or emails); none listed: anyone may.\n";
  if (c.approvers.empty()) return out + "# approvers: [lewis, \"ana@example.com\"]\n";
  out += "approvers:" + string_list(c.approvers, "  ");
  return out;
}

}  // namespace factory::config
