#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/terminal_observer.hpp"
#include "contract/blocked_message.hpp"
#include "core/error.hpp"
#include "pipeline/actor.hpp"
#include "pipeline/engine.hpp"
#include "report/dashboard.hpp"
#include "report/style.hpp"

namespace factory::cli {

namespace {
struct RunArgs {
  std::string task;
  std::string from;
  std::string to;
  std::string stage;
  bool resume = false;
  bool dry_run = false;
};

std::optional<core::Stage> optional_stage(const std::string& name) {
  if (name.empty()) return std::nullopt;
  return core::require_stage(name);
}

int exit_code_of(const pipeline::RunSummary& summary) {
  if (summary.status == "interrupted") return static_cast<int>(ExitCode::interrupted);
  if (summary.status == "failed") return static_cast<int>(ExitCode::failed);
  if (summary.status == "blocked") return static_cast<int>(ExitCode::blocked);
  return 0;
}

void print_summary(const pipeline::RunSummary& summary, const std::string& task,
                   const TerminalObserver& observer, const core::Contract& contract) {
  bool color = report::color_enabled(stdout);
  if (summary.status == "blocked") {
    fmt::print("{}", contract::blocked_message(task, summary.blocked, contract.boundaries));
    fmt::print(
        "run {} blocked at {}: nothing committed, nothing reverted; the change is still in "
        "the workspace\n",
        summary.run_number, core::stage_name(*summary.failed_stage));
  } else if (summary.ready_for_decision) {
    const auto& skipped = observer.skipped();
    std::string skips = skipped.empty() ? std::string()
                                        : fmt::format(" ({} skipped: {})", skipped.size(),
                                                      fmt::join(skipped, ", "));
    // The dashboard above has the details; this line sums it up, as `factory status` does.
    std::string what = observer.measured_readiness()
                           ? report::readiness_summary(*observer.measured_readiness())
                           : fmt::format("every stage green on this tree{}", skips);
    fmt::print("{}  {} · next: factory approve {}\n",
               report::paint("READY FOR DECISION", report::Tone::good, color), what, task);
  } else if (summary.status == "passed") {
    fmt::print("run {} passed ({} stage{} ran)\n", summary.run_number, summary.stages_run,
               summary.stages_run == 1 ? "" : "s");
  } else {
    fmt::print("run {} {} at {}\n", summary.run_number, summary.status,
               core::stage_name(*summary.failed_stage));
  }
}

// One TCR cycle over `stages`, rendered on the terminal.
int run_cycle(Context& ctx, const RunArgs& args, std::vector<core::Stage> stages, bool force_tdd) {
  auto repo = ctx.open_repo();
  std::string id = pipeline::resolve_task_id(repo, args.task);
  auto task = pipeline::require_task(repo, id);
  auto setup = pipeline::task_setup(repo, task);
  repo.vcs->ensure_excluded(setup.tmpl.byproducts);
  TerminalObserver observer(id, task.workspace);
  auto contract = setup.contract;
  pipeline::Engine engine({*repo.vcs, ctx.runner, *repo.store, ctx.clock, observer},
                          std::move(setup));
  if (args.dry_run) {
    fmt::print("task {} · {} stage{} · nothing will run\n", id, stages.size(),
               stages.size() == 1 ? "" : "s");
    engine.dry_run(stages);
    return 0;
  }
  pipeline::RunOptions options;
  options.stages = std::move(stages);
  options.resume = args.resume;
  options.force_tdd = force_tdd;
  options.actor = pipeline::current_actor(std::filesystem::current_path()).recorded();
  auto summary = engine.run(options);
  print_summary(summary, id, observer, contract);
  return exit_code_of(summary);
}
}  // namespace

void add_run(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("run", "Run the pipeline (or a range of it) as one TCR cycle");
  cmd->footer(
      "Examples:\n  factory run                      # inside a task workspace\n"
      "  factory run batch-upload --from unit-test --to lint\n"
      "  factory run --resume             # skip stages already green on this tree\n"
      "  factory run --dry-run            # print each stage's command and TCR behaviour");
  auto args = std::make_shared<RunArgs>();
  cmd->add_option("task", args->task, "Task id (inferred inside a task workspace)");
  cmd->add_option("--from", args->from, "First stage to run");
  cmd->add_option("--to", args->to, "Last stage to run");
  cmd->add_flag("--resume", args->resume, "Skip stages already green on the current tree");
  cmd->add_flag("--dry-run", args->dry_run, "Print what would run; change nothing");
  cmd->callback([&ctx, args] {
    auto stages = core::stage_range(optional_stage(args->from), optional_stage(args->to));
    bool force_tdd = args->from == "tdd-setup";
    ctx.exit_code = run_cycle(ctx, *args, std::move(stages), force_tdd);
  });
}

void add_stage(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("stage", "Run one stage as its own TCR cycle");
  cmd->footer(
      "Examples:\n  factory stage unit-test          # inside a task workspace\n"
      "  factory stage batch-upload lint");
  auto args = std::make_shared<RunArgs>();
  auto words = std::make_shared<std::vector<std::string>>();
  cmd->add_option("words", *words, "[<task>] <stage>")->required()->expected(1, 2);
  cmd->add_flag("--dry-run", args->dry_run, "Print what would run; change nothing");
  cmd->callback([&ctx, args, words] {
    args->stage = words->back();
    if (words->size() == 2) args->task = words->front();
    core::Stage stage = core::require_stage(args->stage);
    ctx.exit_code = run_cycle(ctx, *args, {stage}, stage == core::Stage::tdd_setup);
  });
}

}  // namespace factory::cli
