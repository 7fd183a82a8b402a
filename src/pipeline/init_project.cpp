#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "config/project_config.hpp"
#include "core/error.hpp"
#include "lang/detect.hpp"
#include "pipeline/task_ops.hpp"

namespace factory::pipeline {

std::string render_config(const lang::LanguageTemplate& tmpl) {
  std::ostringstream out;
  out << "# factory project configuration (see man factory)\n"
      << "[project]\n"
      << fmt::format("language = \"{}\"\n\n", tmpl.name)
      << "# [workspace]\n# root = \"../<repo>.factory\"   # where task workspaces are created\n"
      << "# backend = \"auto\"             # auto | git | jj\n\n"
      << "[coverage]\nmin = 80\nmin_patch = 90\n\n[review]\nmax_lines = 1000\n\n"
      << fmt::format("# The stage commands of the {} template. Uncomment a table to override it;\n",
                     tmpl.display)
      << "# timeout accepts \"90s\", \"5m\" or seconds.\n";
  for (const auto& [stage, spec] : tmpl.stages) {
    out << fmt::format("\n# [stages.{}]\n", core::stage_name(stage));
    if (!spec.builtin.empty()) {
      out << fmt::format("# (built-in {} check)\n", spec.builtin);
    } else if (spec.command.empty()) {
      out << "# command = \"\"   # no tool configured for this language\n";
    } else {
      out << fmt::format("# command = {}\n", config::toml_quoted(spec.command));
    }
    out << fmt::format("# timeout = \"{}s\"\n# retries = {}\n", spec.timeout.count() / 1000,
                       spec.retries);
  }
  return out.str();
}

InitResult init_project(const Repo& repo, const std::string& language, bool force) {
  fs::path file = repo.main_root() / config::k_config_file;
  if (fs::exists(file) && !force) {
    throw Error(ExitCode::usage, fmt::format("{} already exists", file.string()),
                "edit it, or pass --force to overwrite it");
  }
  InitResult result;
  result.config_file = file;
  if (language.empty()) {
    auto detected = lang::detect_language(repo.main_root());
    if (!detected) {
      throw Error(
          ExitCode::usage, "could not detect the project's language",
          fmt::format("pass --lang (one of: {})", fmt::join(lang::known_languages(), ", ")));
    }
    result.language = detected->language;
    result.marker = detected->marker.string();
  } else {
    result.language = language;
  }
  const auto& tmpl = lang::template_for(result.language);
  std::ofstream(file) << render_config(tmpl);
  ensure_factory_dir(repo);
  return result;
}

}  // namespace factory::pipeline
