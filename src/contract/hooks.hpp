#pragma once

#include <filesystem>
#include <string>

namespace factory::contract {

namespace fs = std::filesystem;

// What install_hook did.
struct HookInstall {
  fs::path hook_file;           // the dispatcher git runs
  bool chained = false;         // an existing user hook is run first
  bool via_hooks_path = false;  // core.hooksPath was set before, so factory's folder replaced it
  bool changed = false;         // false when an up-to-date dispatcher was already there
  fs::path chained_hook;        // the user's hook it runs first (when chained)
  int replaced_version = 0;     // version of the factory dispatcher it replaced (0: none)
};

// Installs (or upgrades) the pre-commit dispatcher for a git repository and marks `workspace`
// (a linked worktree of it) as task `task`'s, so the hook fires there and only there.
// `factory_binary` is baked into the hook as an absolute path. Idempotent.
HookInstall install_hook(const fs::path& main_root, const fs::path& workspace,
                         const std::string& task, const fs::path& factory_binary);

// The dispatcher part of install_hook alone: installs or upgrades it without marking a worktree.
HookInstall install_dispatcher(const fs::path& main_root, const fs::path& factory_binary);

// Marks a linked worktree as task `task`'s (<its admin dir>/factory-task). Throws a usage Error
// for the main worktree, where the hook must never fire.
void mark_task_worktree(const fs::path& workspace, const std::string& task);

// What uninstall_hook put back.
struct HookUninstall {
  bool removed = false;              // a factory dispatcher was found and removed
  fs::path restored_hook;            // the user's pre-commit hook moved back, if any
  bool hooks_path_restored = false;  // core.hooksPath was given back its previous state
  std::string hooks_path;            // ...which is this value ("" = unset)
};

// Removes the dispatcher and restores what was there before (the user's hook, core.hooksPath),
// and unmarks every task worktree.
HookUninstall uninstall_hook(const fs::path& main_root);

}  // namespace factory::contract
