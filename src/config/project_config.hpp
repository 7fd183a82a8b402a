#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/stage.hpp"
#include "extract/pattern_table.hpp"

namespace factory::config {

// A per-project override of one stage ([stages.<name>] in .factory.toml).
struct StageOverride {
  std::optional<std::string> command;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<int> retries;
};

// .factory.toml, with defaults for everything left out.
struct ProjectConfig {
  std::optional<std::string> language;  // [project] language
  std::string workspace_root;           // [workspace] root; "" = sibling "<repo>.factory"
  std::string backend = "auto";         // [workspace] backend: auto | git | jj
  int coverage_min = 80;                // [coverage] min, percent
  int coverage_min_patch = 90;          // [coverage] min_patch: percent of changed lines covered
  int review_max_lines = 1000;          // [review] max_lines: added+removed lines in the task
  std::map<core::Stage, StageOverride> stages;
  std::vector<extract::PatternSpec> extract_patterns;  // [[extract.patterns]], tried first
  std::string debug_agent_command;                     // [agents.debug] command; "" = none
  std::chrono::milliseconds debug_agent_timeout{std::chrono::minutes(5)};  // [agents.debug] timeout
  std::string flags_file = ".factory/flags.json";  // [flags] file: the flagd file, from the root
};

// The file name, at the main worktree root.
inline constexpr std::string_view k_config_file = ".factory.toml";

// Where the flag file is: [flags] file under the main worktree root, normalised.
inline std::filesystem::path flag_file_path(const std::filesystem::path& main_root,
                                            const ProjectConfig& config) {
  return (main_root / config.flags_file).lexically_normal();
}

// Parses config text. Errors are usage Errors "<source>:<line>:<col>: <what> (key <path>)"
// with a hint: syntax errors, unknown keys, wrong types, unknown stage names, bad durations.
ProjectConfig parse_project_config(std::string_view text, const std::string& source);

// `text` as a TOML string literal (quoted and escaped), for writing config files.
std::string toml_quoted(std::string_view text);

// Loads the file; a missing file gives the defaults.
ProjectConfig load_project_config(const std::filesystem::path& file);

}  // namespace factory::config
