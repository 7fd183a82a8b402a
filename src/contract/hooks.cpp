// Installing factory's pre-commit dispatcher into a git repository, chaining what was there.
//
// Git keeps one hooks folder for all worktrees: <common dir>/hooks, or core.hooksPath when set.
// Without core.hooksPath, the dispatcher takes .git/hooks/pre-commit and a user hook found there
// moves to pre-commit.factory-user, which the dispatcher runs first. With core.hooksPath (husky,
// a shared folder), factory points it at its own <common dir>/factory-hooks/, whose dispatcher
// chains the old folder's pre-commit and whose other hooks pass through to the old folder; the
// old value is kept in factory.previousHooksPath for uninstall.
#include "contract/hooks.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "config/text_file.hpp"
#include "contract/hook_script.hpp"
#include "core/error.hpp"
#include "vcs/git_hooks.hpp"
#include "vcs/vcs_util.hpp"

namespace factory::contract {

namespace {

constexpr std::string_view k_user_hook = "pre-commit.factory-user";
constexpr std::string_view k_own_folder = "factory-hooks";
constexpr const char* k_hooks_path_key = "core.hooksPath";
constexpr const char* k_previous_key = "factory.previousHooksPath";  // the local value replaced
constexpr const char* k_chained_key = "factory.chainedHooksPath";    // its folder, absolute

// Hooks whose mere presence changes what git does, so they pass through only when the old
// folder has them.
bool presence_matters(std::string_view name) {
  return name == "push-to-checkout" || name == "proc-receive";
}

bool exists_no_follow(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

bool is_executable(const fs::path& p) {
  std::error_code ec;
  auto perms = fs::status(p, ec).permissions();
  return !ec && fs::is_regular_file(p, ec) && (perms & fs::perms::owner_exec) != fs::perms::none;
}

bool is_dispatcher(const fs::path& file) {
  auto marker = read_marker(file);
  return marker && marker->kind == "pre-commit";
}

// core.hooksPath as git resolves it for hooks run in the main worktree: ~ is the home folder,
// relative paths start at the worktree root.
fs::path resolve_hooks_path(const std::string& value, const fs::path& main_root) {
  fs::path p = value;
  if (value == "~" || value.rfind("~/", 0) == 0) {
    if (const char* home = std::getenv("HOME"))
      p = fs::path(home) / value.substr(value.size() > 1 ? 2 : 1);
  }
  if (p.is_relative()) p = main_root / p;
  return vcs::normal_dir(p);
}

// Writes an executable script atomically; false when it already has exactly this text.
bool write_script(const fs::path& file, const std::string& text) {
  if (exists_no_follow(file) && !fs::is_symlink(file) && is_executable(file) &&
      config::try_read_text_file(file) == text) {
    return false;
  }
  fs::path tmp = file;
  tmp += ".factory-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      throw Error(ExitCode::failed, fmt::format("cannot write {}", tmp.string()),
                  "check the permissions of the repository's hooks folder");
    }
  }
  fs::permissions(tmp, fs::perms(0755));
  fs::rename(tmp, file);
  return true;
}

// The dispatcher (and pass-throughs to `chain`, when given) in factory's own hooks folder.
HookInstall write_own_folder(const fs::path& own, const fs::path& binary,
                             const std::optional<fs::path>& chain) {
  fs::create_directories(own);
  HookInstall result;
  result.via_hooks_path = true;
  result.hook_file = own / "pre-commit";
  if (auto marker = read_marker(result.hook_file)) result.replaced_version = marker->version;
  std::optional<fs::path> chained_hook;
  if (chain) chained_hook = *chain / "pre-commit";
  result.chained = chained_hook && is_executable(*chained_hook);
  if (result.chained) result.chained_hook = *chained_hook;
  result.changed = write_script(result.hook_file, render_dispatcher(binary, chained_hook));
  for (std::string_view name : git_hook_names()) {
    if (name == "pre-commit") continue;
    fs::path mine = own / name;
    if (!chain || (presence_matters(name) && !exists_no_follow(*chain / name))) {
      std::error_code ec;
      if (fs::remove(mine, ec)) result.changed = true;
      continue;
    }
    result.changed |= write_script(mine, render_pass_through(*chain / name));
  }
  return result;
}

// core.hooksPath points elsewhere: factory's folder replaces it and passes through to it.
HookInstall replace_hooks_path(const vcs::GitDirs& dirs, const fs::path& binary,
                               const fs::path& old_folder) {
  const fs::path own = dirs.common_dir / k_own_folder;
  HookInstall result = write_own_folder(own, binary, old_folder);
  const fs::path& repo = dirs.main_root;
  if (auto local = vcs::config_value(repo, k_hooks_path_key, vcs::ConfigScope::local)) {
    vcs::set_local_config(repo, k_previous_key, *local);
  } else {
    vcs::unset_local_config(repo, k_previous_key);  // it came from global config: unset restores
  }
  vcs::set_local_config(repo, k_chained_key, old_folder.string());
  vcs::set_local_config(repo, k_hooks_path_key, own.string());
  result.changed = true;
  return result;
}

// No core.hooksPath: the dispatcher is <common>/hooks/pre-commit, chaining a user hook there.
HookInstall install_in_hooks_dir(const vcs::GitDirs& dirs, const fs::path& binary) {
  const fs::path hooks = dirs.common_dir / "hooks";
  fs::create_directories(hooks);
  HookInstall result;
  result.hook_file = hooks / "pre-commit";
  const fs::path user = hooks / k_user_hook;
  if (auto marker = read_marker(result.hook_file); marker && marker->kind == "pre-commit") {
    result.replaced_version = marker->version;
  } else if (exists_no_follow(result.hook_file)) {
    if (exists_no_follow(user) &&
        config::try_read_text_file(user) != config::try_read_text_file(result.hook_file)) {
      throw Error(ExitCode::usage,
                  fmt::format("{} is not factory's, and {} is already taken by an earlier hook",
                              result.hook_file.string(), user.string()),
                  "merge the two hooks into one file (or remove one), then run 'factory hook "
                  "install'");
    }
    if (exists_no_follow(user)) {
      fs::remove(result.hook_file);
    } else {
      fs::rename(result.hook_file, user);  // keeps its mode, and a symlink stays a symlink
    }
  }
  std::optional<fs::path> chained;
  if (exists_no_follow(user)) chained = user;
  result.chained = chained.has_value();
  if (chained) result.chained_hook = *chained;
  result.changed = write_script(result.hook_file, render_dispatcher(binary, chained));
  return result;
}

}  // namespace

HookInstall install_dispatcher(const fs::path& main_root, const fs::path& factory_binary) {
  const auto dirs = vcs::git_dirs(main_root);
  const fs::path binary = fs::absolute(factory_binary).lexically_normal();
  const fs::path own = dirs.common_dir / k_own_folder;
  auto hooks_path = vcs::config_value(main_root, k_hooks_path_key, vcs::ConfigScope::effective);
  if (hooks_path && !hooks_path->empty()) {
    fs::path folder = resolve_hooks_path(*hooks_path, dirs.main_root);
    if (folder == own) {  // installed before: refresh, chaining the same folder
      auto chain = vcs::config_value(main_root, k_chained_key, vcs::ConfigScope::local);
      std::optional<fs::path> chained;
      if (chain && !chain->empty()) chained = fs::path(*chain);
      return write_own_folder(own, binary, chained);
    }
    if (folder != dirs.common_dir / "hooks") return replace_hooks_path(dirs, binary, folder);
  }
  return install_in_hooks_dir(dirs, binary);
}

void mark_task_worktree(const fs::path& workspace, const std::string& task) {
  const auto dirs = vcs::git_dirs(workspace);
  if (dirs.git_dir == dirs.common_dir) {
    throw Error(ExitCode::usage,
                fmt::format("{} is a main worktree, not a task workspace", workspace.string()),
                "task workspaces are the linked worktrees 'factory new' creates");
  }
  const fs::path marker = dirs.git_dir / "factory-task";
  const std::string text = task + "\n";
  if (fs::exists(marker) && config::try_read_text_file(marker) == text) return;
  std::ofstream out(marker, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    throw Error(ExitCode::failed, fmt::format("cannot write {}", marker.string()),
                "check the permissions of the repository's .git folder");
  }
}

HookInstall install_hook(const fs::path& main_root, const fs::path& workspace,
                         const std::string& task, const fs::path& factory_binary) {
  const auto main_dirs = vcs::git_dirs(main_root);
  const auto ws_dirs = vcs::git_dirs(workspace);
  if (ws_dirs.common_dir != main_dirs.common_dir) {
    throw Error(ExitCode::usage,
                fmt::format("{} is not a worktree of {}", workspace.string(), main_root.string()),
                "pass the task's own workspace (see 'factory status <task>')");
  }
  HookInstall result = install_dispatcher(main_root, factory_binary);
  mark_task_worktree(workspace, task);
  return result;
}

HookUninstall uninstall_hook(const fs::path& main_root) {
  const auto dirs = vcs::git_dirs(main_root);
  const fs::path& repo = dirs.main_root;
  const fs::path own = dirs.common_dir / k_own_folder;
  HookUninstall result;
  auto local = vcs::config_value(repo, k_hooks_path_key, vcs::ConfigScope::local);
  if (local && !local->empty() && resolve_hooks_path(*local, dirs.main_root) == own) {
    auto previous = vcs::config_value(repo, k_previous_key, vcs::ConfigScope::local);
    if (previous) {
      vcs::set_local_config(repo, k_hooks_path_key, *previous);
    } else {
      vcs::unset_local_config(repo, k_hooks_path_key);
    }
    result.hooks_path_restored = true;
    result.hooks_path = previous.value_or("");
    result.removed = true;
  }
  vcs::unset_local_config(repo, k_previous_key);
  vcs::unset_local_config(repo, k_chained_key);
  std::error_code ec;
  if (fs::remove_all(own, ec) > 0) result.removed = true;

  const fs::path hook = dirs.common_dir / "hooks" / "pre-commit";
  if (is_dispatcher(hook)) {
    fs::remove(hook);
    result.removed = true;
    const fs::path user = dirs.common_dir / "hooks" / k_user_hook;
    if (exists_no_follow(user)) {
      fs::rename(user, hook);
      result.restored_hook = hook;
    }
  }
  for (const auto& entry : fs::directory_iterator(dirs.common_dir / "worktrees", ec)) {
    std::error_code ignored;
    fs::remove(entry.path() / "factory-task", ignored);
  }
  return result;
}

}  // namespace factory::contract
