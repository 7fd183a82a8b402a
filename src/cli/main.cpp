#include "cli/main.hpp"

#include <fmt/format.h>

#include <SQLiteCpp/Exception.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "core/error.hpp"
#include "proc/interrupt.hpp"
#include "report/style.hpp"

namespace factory::cli {

int main(int argc, char** argv) {
  CLI::App app{
      "factory: safe changes by construction. Each task gets its own workspace and a\n"
      "10-stage Test && Commit || Revert pipeline.",
      "factory"};
  app.set_version_flag("--version", std::string("factory ") + FACTORY_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 stage failed, 2 usage/config error, 3 blocked, 4 VCS error, "
      "130 interrupted.\nRun 'factory <command> --help' for examples. See man factory.");
  Context ctx;
  add_init(app, ctx);
  add_new(app, ctx);
  add_run(app, ctx);
  add_stage(app, ctx);
  add_status(app, ctx);
  add_list(app, ctx);
  add_unrevert(app, ctx);
  add_abandon(app, ctx);
  add_contract(app, ctx);
  add_hook(app, ctx);
  add_extract(app, ctx);
  add_explain(app, ctx);
  add_log(app, ctx);
  add_incident(app, ctx);
  add_approve(app, ctx);
  add_reject(app, ctx);
  add_coverage(app, ctx);
  add_audit(app, ctx);
  add_deploy(app, ctx);
  add_rollback(app, ctx);
  add_rollout(app, ctx);
  add_flag(app, ctx);
  proc::install_interrupt_handler();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(e.what(), "see 'factory --help'");
    return static_cast<int>(ExitCode::usage);
  } catch (const Error& e) {
    print_error(e.what(), e.hint());
    return static_cast<int>(e.code());
  } catch (const SQLite::Exception& e) {
    // A table or trigger factory made is gone, or the file is damaged: not factory's bug.
    print_error(fmt::format(".factory/state.db: {}", e.what()),
                "the database was changed outside factory or is damaged: 'factory audit verify' "
                "says what changed; restore .factory/state.db from a backup");
    return static_cast<int>(ExitCode::usage);
  } catch (const std::exception& e) {
    print_error(e.what(), "this is a bug in factory; please report it with the command you ran");
    return static_cast<int>(ExitCode::failed);
  }
  return ctx.exit_code;
}

}  // namespace factory::cli
