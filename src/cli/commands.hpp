#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace factory::cli {

// Each registers one subcommand (or a pair) on the app; the callback does the work.
void add_init(CLI::App& app, Context& ctx);
void add_new(CLI::App& app, Context& ctx);
void add_run(CLI::App& app, Context& ctx);
void add_stage(CLI::App& app, Context& ctx);
void add_status(CLI::App& app, Context& ctx);
void add_list(CLI::App& app, Context& ctx);
void add_unrevert(CLI::App& app, Context& ctx);
void add_abandon(CLI::App& app, Context& ctx);
void add_contract(CLI::App& app, Context& ctx);
void add_hook(CLI::App& app, Context& ctx);
void add_extract(CLI::App& app, Context& ctx);
void add_explain(CLI::App& app, Context& ctx);
void add_log(CLI::App& app, Context& ctx);
void add_incident(CLI::App& app, Context& ctx);
void add_approve(CLI::App& app, Context& ctx);
void add_reject(CLI::App& app, Context& ctx);
void add_coverage(CLI::App& app, Context& ctx);
void add_audit(CLI::App& app, Context& ctx);
void add_deploy(CLI::App& app, Context& ctx);
void add_rollback(CLI::App& app, Context& ctx);
void add_rollout(CLI::App& app, Context& ctx);
// `flag cleanup`, registered under the `flag` command by add_flag.
void add_flag_cleanup(CLI::App& flag_cmd, Context& ctx);
void add_flag(CLI::App& app, Context& ctx);

}  // namespace factory::cli
