#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "config/project_config.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "rollout/flag_eval.hpp"
#include "rollout/flag_file.hpp"
#include "vcs/vcs.hpp"

// `factory flag`: the flagd flag file (docs/ROLLOUT.md). `flag eval` predicts who is in.
namespace factory::cli {

namespace {

namespace fs = std::filesystem;

// --file as given, else .factory.toml's [flags] file under the repository's main root. Only the
// config is read: a read-only command opens no state database.
fs::path flag_file_path(const std::string& given) {
  if (!given.empty()) return given;
  const fs::path cwd = fs::current_path();
  auto location = vcs::locate(cwd);
  if (!location) {
    throw Error(ExitCode::usage, fmt::format("not inside a git repository: {}", cwd.string()),
                "pass the flag file with --file PATH, or cd into the repository");
  }
  auto config = config::load_project_config(location->main_root / config::k_config_file);
  return config::flag_file_path(location->main_root, config);
}

void eval(const std::string& flag, const std::string& key, const std::string& file, bool json) {
  const fs::path path = flag_file_path(file);
  auto flags = rollout::FlagFile::load(path);
  if (!flags.existed()) {
    throw Error(ExitCode::usage, fmt::format("{}: no such flag file", path.string()),
                "factory writes it when a rollout starts ([flags] file in .factory.toml); "
                "or pass another one with --file PATH");
  }
  auto result = rollout::evaluate_flag(flags.document(), flag, key, path.string());
  if (!json) {
    fmt::print("{}\n", result.variant);
    return;
  }
  nlohmann::ordered_json doc = {{"flag", flag},
                                {"key", key},
                                {"variant", result.variant},
                                {"reason", result.reason},
                                {"bucket", nullptr},
                                {"total_weight", nullptr}};
  if (result.bucket) doc["bucket"] = *result.bucket;
  if (result.total_weight) doc["total_weight"] = *result.total_weight;
  fmt::print("{}\n", core::json_text(doc, 2));
}

// `flag eval`; other `flag` actions get an add_flag_<action> of their own next to it.
void add_flag_eval(CLI::App& flag_cmd) {
  auto* cmd = flag_cmd.add_subcommand(
      "eval", "Print the variant flagd serves a flag for a targeting key (flagd's bucketing)");
  cmd->footer(
      "Works for any flag in the file whose targeting is a 'fractional' rule, or none.\n"
      "Examples:\n"
      "  factory flag eval batch-upload user-42\n"
      "  factory flag eval batch-upload user-42 --json\n"
      "  factory flag eval new-checkout alice@example.com --file deploy/flags.json");
  auto flag = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("flag", *flag, "Flag key in the file")->required();
  cmd->add_option("targeting-key", *key, "The targeting key (user id, email, ...)")->required();
  cmd->add_option("--file", *file,
                  "The flagd JSON file (default: [flags] file in .factory.toml, "
                  ".factory/flags.json)");
  cmd->add_flag("--json", *json, "Print one JSON document with the bucket");
  cmd->callback([flag, key, file, json] { eval(*flag, *key, *file, *json); });
}

}  // namespace

void add_flag(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("flag", "Inspect the flagd flag file factory rolls out with");
  cmd->require_subcommand(1);
  add_flag_eval(*cmd);
  add_flag_cleanup(*cmd, ctx);
}

}  // namespace factory::cli
