#include <fmt/format.h>

#include "cli/commands.hpp"
#include "config/contract_file.hpp"
#include "config/text_file.hpp"
#include "pipeline/task_contract.hpp"

namespace factory::cli {

namespace {
struct ContractArgs {
  std::string task;
  std::string file;
};

void show(Context& ctx, const ContractArgs& args) {
  auto repo = ctx.open_repo();
  std::string id = pipeline::resolve_task_id(repo, args.task);
  pipeline::require_task(repo, id);
  auto file = config::contract_path(repo.main_root(), id);
  config::load_contract(file);  // an invalid contract is reported, not shown as if fine
  fmt::print(stderr, "# {}\n", file.string());
  fmt::print("{}", config::read_text_file(file));
}

void check(Context& ctx, const ContractArgs& args) {
  if (!args.file.empty()) {
    auto contract = config::load_contract(args.file);
    fmt::print("✓ {} is a valid contract ({} allowed, {} forbidden, {} acceptance checks)\n",
               args.file, contract.boundaries.allowed_files.size(),
               contract.boundaries.forbidden_files.size(), contract.acceptance.size());
    return;
  }
  auto repo = ctx.open_repo();
  std::string id = pipeline::resolve_task_id(repo, args.task);
  auto task = pipeline::require_task(repo, id);
  auto file = config::contract_path(repo.main_root(), id);
  auto contract = config::load_contract(file);
  for (const auto& w : pipeline::unmatched_glob_warnings(contract, task.workspace)) {
    fmt::print(stderr, "factory: warning: {}\n", w);
  }
  std::string allowed = contract.boundaries.allowed_files.empty()
                            ? std::string("nothing (allowed_files is empty)")
                            : fmt::format("{}", fmt::join(contract.boundaries.allowed_files, " "));
  fmt::print("✓ contract {} is valid\n  allowed:   {}\n  forbidden: {}\n  acceptance: {} check{}\n",
             std::filesystem::relative(file, repo.main_root()).string(), allowed,
             contract.boundaries.forbidden_files.empty()
                 ? std::string("-")
                 : fmt::format("{}", fmt::join(contract.boundaries.forbidden_files, " ")),
             contract.acceptance.size(), contract.acceptance.size() == 1 ? "" : "s");
}
}  // namespace

void add_contract(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("contract", "Print or validate a task's contract");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n  factory contract show batch-upload\n  factory contract check        # inside "
      "a task workspace\n  factory contract check --file draft.yaml");
  auto args = std::make_shared<ContractArgs>();
  auto* show_cmd = cmd->add_subcommand("show", "Print the contract (validated first)");
  show_cmd->add_option("task", args->task, "Task id (inferred inside a task workspace)");
  show_cmd->callback([&ctx, args] { show(ctx, *args); });
  auto* check_cmd =
      cmd->add_subcommand("check", "Validate the contract; warn about globs matching nothing");
  check_cmd->add_option("task", args->task, "Task id (inferred inside a task workspace)");
  check_cmd->add_option("--file", args->file, "Validate this file instead of a task's contract");
  check_cmd->callback([&ctx, args] { check(ctx, *args); });
}

}  // namespace factory::cli
