#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"
#include "core/json_text.hpp"
#include "pipeline/actor.hpp"
#include "pipeline/task_context.hpp"
#include "report/root_cause.hpp"
#include "report/style.hpp"

// `factory incident add | list`: surgical learning (docs/INCIDENTS.md). An incident found in one
// task leaves a test requirement that later tasks touching its paths inherit in their contract.
namespace factory::cli {

namespace {

struct AddArgs {
  std::string task;
  std::string root_cause;
  std::string test;
  std::vector<std::string> paths;
};

// Refuses what would make a requirement that can never mean anything, before anything is stored.
void check_add_args(const AddArgs& args) {
  auto has_line_break = [](const std::string& s) { return s.find_first_of("\r\n") != s.npos; };
  if (args.test.find_first_not_of(" \t") == std::string::npos) {
    throw Error(ExitCode::usage, "--test is empty",
                "name the test as the unit-test runner does, e.g. "
                "tests/test_pay.py::test_refund_twice or TestRefundTwice");
  }
  if (has_line_break(args.test)) {
    throw Error(ExitCode::usage, "--test holds a line break", "a test id is one line");
  }
  if (args.test.find_first_not_of(" \t") != std::string::npos &&
      args.test[args.test.find_first_not_of(" \t")] == '-') {
    // handed to the runner, '-k x' or '--co' would be an option that "passes" running nothing
    throw Error(ExitCode::usage, fmt::format("--test '{}' starts with '-'", args.test),
                "a test id names a test, not runner options: e.g. tests/test_pay.py::test_refund");
  }
  if (args.root_cause.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ExitCode::usage, "--root-cause is empty",
                "say in a line what went wrong, e.g. --root-cause 'refund ran twice on retry'");
  }
  if (has_line_break(args.root_cause)) {
    throw Error(ExitCode::usage, "--root-cause holds a line break",
                "say it in one line; it is shown beside the test wherever the test is missing");
  }
  for (const auto& glob : args.paths) {
    if (glob.starts_with('!')) {
      throw Error(ExitCode::usage,
                  fmt::format("--paths '{}': a negated glob selects nothing", glob),
                  "give the paths the requirement applies to, e.g. --paths 'src/pay/**'");
    }
    if (auto problem = core::glob_error(glob)) {
      throw Error(ExitCode::usage, fmt::format("--paths '{}': {}", glob, *problem),
                  "globs are gitignore-style: 'src/pay/**', '*.sql', 'src/pay/refund.py'");
    }
  }
}

void add(Context& ctx, const AddArgs& args) {
  check_add_args(args);
  auto repo = ctx.open_repo();
  std::string id = pipeline::resolve_task_id(repo, args.task);
  pipeline::require_task(repo, id);
  store::IncidentRow incident;
  incident.task = id;
  incident.root_cause = args.root_cause;
  incident.test_id = args.test;
  incident.paths = args.paths;
  incident.actor = pipeline::current_actor(std::filesystem::current_path()).recorded();
  int64_t number = repo.store->add_incident(incident);
  std::string scope =
      args.paths.empty() ? std::string("every later task")
                         : fmt::format("later tasks that may touch {}", fmt::join(args.paths, " "));
  fmt::print("recorded incident {} (task {}): {}\n", number, id, args.root_cause);
  fmt::print("requirement: test {} must exist and pass in {}\n", args.test, scope);
}

nlohmann::json incident_json(const store::IncidentRow& i) {
  return {
      {"id", i.id},        {"task", i.task},   {"root_cause", i.root_cause}, {"test", i.test_id},
      {"paths", i.paths},  {"actor", i.actor}, {"created_at", i.created_at}, {"applied", i.applied},
      {"caught", i.caught}};
}

void print_incident(const store::IncidentRow& i, bool color) {
  fmt::print("{} {}\n",
             report::paint(fmt::format("incident {}", i.id), report::Tone::strong, color),
             i.test_id);
  fmt::print("  paths       {}\n", i.paths.empty() ? std::string("(every task)")
                                                   : fmt::format("{}", fmt::join(i.paths, " ")));
  fmt::print("  root cause  {}\n", report::printable(i.root_cause));
  fmt::print("  from task   {} · {} · {}\n", i.task, i.actor, report::format_time(i.created_at));
  fmt::print("  applied {} · caught {}\n", i.applied, i.caught);
}

void list(Context& ctx, bool json) {
  auto repo = ctx.open_repo();
  auto incidents = repo.store->list_incidents();
  if (json) {
    auto j = nlohmann::json::array();
    for (const auto& i : incidents) j.push_back(incident_json(i));
    fmt::print("{}\n", core::json_text(j, 2));
    return;
  }
  if (incidents.empty()) {
    fmt::print(stderr,
               "no incidents yet · record one with 'factory incident add --task <task> "
               "--root-cause TEXT --test ID'\n");
  }
  bool color = report::color_enabled(stdout);
  for (const auto& i : incidents) print_incident(i, color);
}

}  // namespace

void add_incident(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("incident", "Record incidents; later tasks must test for them");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n"
      "  factory incident add --task pay-retry --root-cause 'refund ran twice on retry' \\\n"
      "      --test tests/test_pay.py::test_refund_twice --paths 'src/pay/**'\n"
      "  factory incident list\n  factory incident list --json | jq '.[] | {id, applied, caught}'");
  auto args = std::make_shared<AddArgs>();
  auto* add_cmd = cmd->add_subcommand(
      "add", "Record an incident and the test that must exist and pass from now on");
  add_cmd->add_option("--task", args->task,
                      "The task the incident was found in (inferred inside a task workspace)");
  add_cmd->add_option("--root-cause", args->root_cause, "What went wrong, in one line")->required();
  add_cmd->add_option("--test", args->test, "Test id as the unit-test runner names it")->required();
  add_cmd->add_option("--paths", args->paths, "Glob the requirement applies to (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_cmd->callback([&ctx, args] { add(ctx, *args); });
  auto json = std::make_shared<bool>(false);
  auto* list_cmd =
      cmd->add_subcommand("list", "Show each incident's requirement and how often it applied");
  list_cmd->add_flag("--json", *json, "Print one JSON array");
  list_cmd->callback([&ctx, json] { list(ctx, *json); });
}

}  // namespace factory::cli
