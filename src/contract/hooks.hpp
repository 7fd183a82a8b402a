#pragma once

#include <filesystem>
#include <string>

namespace factory::contract {

namespace fs = std::filesystem;

// What install_hook did.
struct HookInstall {
  fs::path hook_file;         // the dispatcher git runs
  bool chained = false;       // an existing user hook is run first
  bool via_hooks_path = false;  // core.hooksPath was set before, so factory's folder replaced it
  bool changed = false;       // false when an up-to-date dispatcher was already there
};

// Installs (or upgrades) the pre-commit dispatcher for a git repository and marks `workspace`
// (a linked worktree of it) as task `task`'s, so the hook fires there and only there.
// `factory_binary` is baked into the hook as an absolute path. Idempotent.
HookInstall install_hook(const fs::path& main_root, const fs::path& workspace,
                         const std::string& task, const fs::path& factory_binary);

// Removes the dispatcher and restores what was there before (the user's hook, core.hooksPath).
void uninstall_hook(const fs::path& main_root);

}  // namespace factory::contract
