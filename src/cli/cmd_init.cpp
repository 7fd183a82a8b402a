#include <fmt/format.h>

#include "cli/commands.hpp"
#include "lang/language_template.hpp"
#include "pipeline/task_ops.hpp"
#include "report/style.hpp"

namespace factory::cli {

void add_init(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Detect the language and write .factory.toml");
  cmd->footer("Example:\n  cd my-service && factory init\n  factory init --lang python --force");
  struct Args {
    std::string lang;
    bool force = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--lang", args->lang, "Language template instead of detection");
  cmd->add_flag("--force", args->force, "Overwrite an existing .factory.toml");
  cmd->callback([&ctx, args] {
    auto repo = ctx.open_repo();
    auto result = pipeline::init_project(repo, args->lang, args->force);
    const auto& tmpl = lang::template_for(result.language);
    fmt::print("initialized {} project{} · wrote {}\n", tmpl.display,
               result.marker.empty() ? "" : fmt::format(" (marker: {})", result.marker),
               result.config_file.string());
    for (const auto& [stage, spec] : tmpl.stages) {
      std::string what = !spec.builtin.empty()  ? fmt::format("(built-in {} check)", spec.builtin)
                         : spec.command.empty() ? std::string("(no command: SKIPPED)")
                                                : spec.command;
      fmt::print("  {} {}\n", report::stage_label(stage), what);
    }
  });
}

}  // namespace factory::cli
