#include "config/contract_file.hpp"

#include "config/text_file.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iterator>
#include <map>

#include "config/contract_reader.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"
#include "core/task_id.hpp"

namespace factory::config {

namespace {

using core::AcceptanceCheck;

constexpr std::string_view k_kinds_hint =
    "each check has a name and exactly one of file_exists, file_matches or command";

core::Boundaries read_boundaries(const ContractReader& in, const Field& field) {
  core::Boundaries out;
  if (field.value.IsNull()) return out;
  Fields f = in.fields(field, {"allowed_files", "forbidden_files"});
  if (const Field* allowed = find(f, "allowed_files")) {
    if (allowed->value.IsNull()) {
      in.fail(*allowed, "allowed_files has no value",
              "write allowed_files: [] to allow nothing, or [\"**\"] to allow every file");
    }
    out.allowed_files = in.globs(*allowed);
  }
  if (const Field* forbidden = find(f, "forbidden_files"))
    out.forbidden_files = in.globs(*forbidden);
  return out;
}

core::Limits read_limits(const ContractReader& in, const Field& field) {
  core::Limits out;
  if (field.value.IsNull()) return out;
  Fields f = in.fields(field, {"max_lines_changed", "new_dependencies"});
  for (auto* slot : {&out.max_lines_changed, &out.new_dependencies}) {
    const char* name = slot == &out.max_lines_changed ? "max_lines_changed" : "new_dependencies";
    if (const Field* n = find(f, name); n && !n->value.IsNull()) *slot = in.count(*n);
  }
  return out;
}

core::TcrBehavior read_tcr_entry(const ContractReader& in, const Field& field, core::Stage stage) {
  core::TcrBehavior out;
  out.enabled = core::default_tcr(stage);
  if (field.value.IsNull()) return out;
  Fields f = in.fields(field, {"enabled", "reason", "on_failure"});
  if (const Field* n = find(f, "enabled")) {
    out.enabled = in.boolean(*n);
    if (out.enabled && !core::default_tcr(stage)) {
      in.fail(*n, fmt::format("TCR cannot be switched on for {}", core::stage_name(stage)),
              stage == core::Stage::tdd_setup
                  ? "tdd-setup passes on red (failing tests are its goal), so it never reverts"
                  : "accept is the final gate and never reverts; remove the entry or set false");
    }
  }
  if (const Field* n = find(f, "reason")) out.reason = in.text(*n);
  if (const Field* on_failure = find(f, "on_failure"); on_failure && !on_failure->value.IsNull()) {
    Fields g = in.fields(*on_failure, {"restore_to"});
    if (const Field* n = find(g, "restore_to")) {
      out.restore_to = in.string(*n);
      if (out.restore_to != "last_green") {
        in.fail(*n, fmt::format("unknown restore point '{}'", out.restore_to),
                "the only restore point is last_green (the last commit that passed)");
      }
    }
  }
  return out;
}

core::ContractStage read_stage_entry(const ContractReader& in, const Field& field) {
  core::ContractStage out;
  if (field.value.IsNull()) return out;
  Fields f = in.fields(field, {"command", "timeout", "retries", "required"});
  if (const Field* n = find(f, "command")) out.command = in.text(*n);
  if (const Field* n = find(f, "timeout")) out.timeout = in.duration(*n);
  if (const Field* n = find(f, "retries")) out.retries = in.integer(*n, 0, 10);
  if (const Field* n = find(f, "required")) out.required = in.boolean(*n);
  return out;
}

// Reads `tcr_behavior` or `stages`: a mapping from stage names to entries.
template <typename Entry, typename ReadEntry>
std::map<core::Stage, Entry> read_per_stage(const ContractReader& in, const Field& field,
                                            ReadEntry read_entry) {
  std::map<core::Stage, Entry> out;
  if (field.value.IsNull()) return out;
  for (const auto& [name, entry] : in.fields(field, {})) {
    core::Stage stage = in.stage(entry);
    out[stage] = read_entry(entry, stage);
  }
  return out;
}

// The check kind keys an acceptance entry names, in file order.
std::vector<const Field*> kinds_of(const Fields& f) {
  std::vector<const Field*> kinds;
  for (const char* name : {"file_exists", "file_matches", "command"}) {
    if (const Field* n = find(f, name)) kinds.push_back(n);
  }
  std::sort(kinds.begin(), kinds.end(),
            [](const Field* a, const Field* b) { return a->order < b->order; });
  return kinds;
}

void read_check_kind(const ContractReader& in, const Fields& f, const Field& kind,
                     AcceptanceCheck& out) {
  std::string_view name = kind.name;
  if (name == "file_exists") {
    out.kind = AcceptanceCheck::Kind::file_exists;
    out.path = in.workspace_path(kind);
  } else if (name == "file_matches") {
    out.kind = AcceptanceCheck::Kind::file_matches;
    Fields g = in.fields(kind, {"path", "pattern"});
    out.path = in.workspace_path(in.required(g, kind, "path"));
    out.pattern = in.regex(in.required(g, kind, "pattern"));
  } else {
    out.kind = AcceptanceCheck::Kind::command;
    out.command = in.string(kind);
    if (out.command.empty()) in.fail(kind, "the command is empty", "give a shell command to run");
  }
  for (const char* extra : {"expect_exit", "expect_stdout", "timeout"}) {
    const Field* n = find(f, extra);
    if (n && out.kind != AcceptanceCheck::Kind::command) {
      in.fail(*n, fmt::format("'{}' only applies to a command check", extra),
              std::string(k_kinds_hint));
    }
  }
  if (const Field* n = find(f, "expect_exit")) out.expect_exit = in.integer(*n, 0, 255);
  if (const Field* n = find(f, "expect_stdout")) out.expect_stdout = in.regex(*n);
  if (const Field* n = find(f, "timeout")) out.timeout = in.duration(*n);
}

std::vector<AcceptanceCheck> read_acceptance(const ContractReader& in, const Field& field) {
  std::vector<AcceptanceCheck> out;
  std::map<std::string, int> seen;  // name -> line
  for (const Field& item : in.items(field, "a list of checks")) {
    Fields f = in.fields(item, {"name", "file_exists", "file_matches", "command", "expect_exit",
                                "expect_stdout", "timeout"});
    AcceptanceCheck check;
    const Field& name = in.required(f, item, "name");
    check.name = in.string(name);
    if (check.name.empty())
      in.fail(name, "the check's name is empty", "name it after what it proves");
    if (auto [it, fresh] = seen.emplace(check.name, name.key.Mark().line + 1); !fresh) {
      in.fail(
          name,
          fmt::format("duplicate check name '{}' (first used on line {})", check.name, it->second),
          "each check reports by name, so names must be unique");
    }
    auto kinds = kinds_of(f);
    if (kinds.empty()) in.fail(item, "the check has no kind", std::string(k_kinds_hint));
    if (kinds.size() > 1) {
      in.fail(*kinds[1],
              fmt::format("the check has two kinds, '{}' and '{}'", kinds[0]->name, kinds[1]->name),
              "split it into two checks, each with its own name");
    }
    read_check_kind(in, f, *kinds[0], check);
    out.push_back(std::move(check));
  }
  return out;
}

// coverage: thresholds and critical paths. A critical entry ending in "()" names a function;
// anything else is a glob.
core::CoverageRules read_coverage(const ContractReader& in, const Field& field) {
  core::CoverageRules out;
  if (field.value.IsNull()) return out;
  Fields f = in.fields(field, {"min_percent", "min_patch_percent", "critical_paths"});
  if (const Field* n = find(f, "min_percent")) out.min_percent = in.integer(*n, 0, 100);
  if (const Field* n = find(f, "min_patch_percent")) out.min_patch_percent = in.integer(*n, 0, 100);
  if (const Field* n = find(f, "critical_paths")) {
    for (const Field& item : in.items(*n, "a list of globs and function names")) {
      std::string entry = in.string(item);
      if (entry.ends_with("()")) {
        if (entry.size() == 2) {
          in.fail(item, "empty function name", "write the function's name before \"()\"");
        }
      } else if (auto problem = core::glob_error(entry)) {
        in.fail(item, fmt::format("bad glob '{}': {}", entry, *problem),
                "critical paths are globs (`src/payments/**`) or function names ending in "
                "\"()\" (`charge_card()`)");
      }
      out.critical_paths.push_back(std::move(entry));
    }
  }
  return out;
}

// requirements: tests the task must have and pass, usually added by `factory new` from an
// incident. The same incident listed twice is an error (its test would be run twice).
std::vector<core::TestRequirement> read_requirements(const ContractReader& in, const Field& field) {
  std::vector<core::TestRequirement> out;
  std::map<int64_t, int> seen;  // incident -> line
  for (const Field& item : in.items(field, "a list of required tests")) {
    Fields f = in.fields(item, {"incident", "test", "paths", "reason"});
    core::TestRequirement req;
    const Field& test = in.required(f, item, "test");
    req.test = in.string(test);
    if (req.test.find_first_not_of(" \t") == std::string::npos) {
      in.fail(test, "the test id is empty",
              "name the test as the template's runner does, e.g. tests/test_pay.py::test_refund");
    }
    if (req.test[req.test.find_first_not_of(" \t")] == '-') {
      in.fail(test, "the test id starts with '-', which the runner would read as an option",
              "name a test, not runner options: e.g. tests/test_pay.py::test_refund");
    }
    if (const Field* n = find(f, "incident")) {
      req.incident = in.count(*n);
      auto [it, fresh] = seen.emplace(req.incident, n->key.Mark().line + 1);
      if (req.incident != 0 && !fresh) {
        in.fail(
            *n,
            fmt::format("incident {} is listed twice (first on line {})", req.incident, it->second),
            "keep one entry per incident");
      }
    }
    if (const Field* n = find(f, "paths")) req.paths = in.globs(*n);
    if (const Field* n = find(f, "reason")) req.reason = in.text(*n);
    out.push_back(std::move(req));
  }
  return out;
}

core::Contract read_contract(const ContractReader& in, const YAML::Node& root) {
  Field top{root, root, "", "", 0};
  if (!root || root.IsNull()) {
    in.fail(top, "the contract is empty",
            "a contract needs at least `task: <id>`; see "
            "contracts/README.md for every field");
  }
  Fields f =
      in.fields(top, {"task", "description", "source", "boundaries", "limits", "tcr_behavior",
                      "stages", "acceptance", "approvers", "coverage", "requirements"});
  core::Contract out;
  if (const Field* n = find(f, "task")) {
    out.task = in.text(*n);
    if (auto problem = core::task_id_problem(out.task); problem && !out.task.empty()) {
      in.fail(*n, fmt::format("bad task id '{}': {}", out.task, *problem),
              "the task id is the directory name under .factory/");
    }
  }
  if (const Field* n = find(f, "description")) out.description = in.text(*n);
  if (const Field* n = find(f, "source")) out.source = in.text(*n);
  if (const Field* n = find(f, "boundaries")) out.boundaries = read_boundaries(in, *n);
  if (const Field* n = find(f, "limits")) out.limits = read_limits(in, *n);
  if (const Field* n = find(f, "tcr_behavior")) {
    out.tcr_behavior = read_per_stage<core::TcrBehavior>(
        in, *n, [&](const Field& e, core::Stage s) { return read_tcr_entry(in, e, s); });
  }
  if (const Field* n = find(f, "stages")) {
    out.stages = read_per_stage<core::ContractStage>(
        in, *n, [&](const Field& e, core::Stage) { return read_stage_entry(in, e); });
  }
  if (const Field* n = find(f, "acceptance")) out.acceptance = read_acceptance(in, *n);
  if (const Field* n = find(f, "coverage")) out.coverage = read_coverage(in, *n);
  if (const Field* n = find(f, "requirements")) out.requirements = read_requirements(in, *n);
  if (const Field* n = find(f, "approvers")) {
    for (const Field& item : in.items(*n, "a list of names")) {
      out.approvers.push_back(in.string(item));
      if (out.approvers.back().empty())
        in.fail(item, "empty approver", "give a user name or email");
    }
  }
  return out;
}

}  // namespace

std::filesystem::path contract_path(const std::filesystem::path& main_root,
                                    const std::string& task) {
  return main_root / ".factory" / task / "contract.yaml";
}

core::Contract parse_contract(std::string_view text, const std::string& source) {
  YAML::Node root = load_document(text, source, "a contract");
  return read_contract(ContractReader(source), root);
}

core::Contract load_contract(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw core::Error(core::ExitCode::usage, fmt::format("no contract at {}", file.string()),
                      "`factory new <task>` writes one; see contracts/README.md for the format");
  }
  return parse_contract(read_text_file(file), file.string());
}

}  // namespace factory::config
