#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace factory::contract {

namespace fs = std::filesystem;

// One hooks/*.sh template, embedded at build time (cmake/embed_files.cmake).
struct EmbeddedHook {
  std::string_view name;  // file stem: "pre-commit", "pass-through"
  std::string_view text;
};

// Every embedded hook template.
std::span<const EmbeddedHook> embedded_hooks();

// What the "# factory-hook: <kind> v<version>" marker line of a script says.
struct HookMarker {
  std::string kind;  // "pre-commit" (the dispatcher) or "pass-through"
  int version = 0;
};

// The marker of a script's text, or nullopt when it is not one of factory's.
std::optional<HookMarker> parse_marker(std::string_view script);

// The marker of the script at `file`, or nullopt when it is missing or not factory's.
std::optional<HookMarker> read_marker(const fs::path& file);

// The version of the dispatcher this build writes.
int dispatcher_version();

// `text` as one single-quoted sh word.
std::string sh_quote(std::string_view text);

// Where the factory-hook fast path lives: next to the factory binary.
fs::path fast_hook_binary(const fs::path& factory_binary);

// The pre-commit dispatcher: runs `chained` first (when given), then, in a task worktree,
// `<fast_hook_binary> --task <id> --factory <factory_binary>` when both exist, else
// `<factory_binary> hook pre-commit --task <id>`.
std::string render_dispatcher(const fs::path& factory_binary,
                              const std::optional<fs::path>& chained);

// A hook that runs `target` with the same arguments and stdin when it is executable.
std::string render_pass_through(const fs::path& target);

// The client-side and server-side hook names of githooks(5) that a replaced core.hooksPath
// folder may hold, pre-commit included.
const std::vector<std::string_view>& git_hook_names();

}  // namespace factory::contract
