// libgit2 helpers for factory's git hooks: where the hooks live, the config keys they change, and
// the staged change a pre-commit hook judges.
#include "vcs/git_hooks.hpp"

#include <fmt/format.h>

#include "vcs/git_handles.hpp"
#include "vcs/vcs_util.hpp"

namespace factory::vcs {

namespace {

using ConfigPtr = std::unique_ptr<git_config, GitFree<git_config, git_config_free>>;

RepoPtr open_at(const fs::path& path) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) < 0) {
    throw Error(ExitCode::usage, fmt::format("not inside a git repository: {}", path.string()),
                "cd into a repository first, or create one with 'git init'");
  }
  return RepoPtr(raw);
}

// The main worktree of a repository: the parent of a common dir named .git, else the work dir
// the common dir's own config names.
fs::path main_root_of(git_repository* repo) {
  fs::path common = normal_dir(git_repository_commondir(repo));
  if (common.filename() == ".git") return common.parent_path();
  if (!git_repository_is_worktree(repo)) {
    const char* wd = git_repository_workdir(repo);
    return wd ? normal_dir(wd) : common;
  }
  git_repository* main = nullptr;
  if (git_repository_open(&main, common.c_str()) < 0) return common;
  RepoPtr owned(main);
  const char* wd = git_repository_workdir(main);
  return wd ? normal_dir(wd) : common;
}

std::string branch_of(git_repository* repo) {
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, repo, "HEAD") < 0) return "";
  RefPtr owned(head);
  if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) return "";
  std::string target = git_reference_symbolic_target(head);
  const std::string prefix = "refs/heads/";
  return target.rfind(prefix, 0) == 0 ? target.substr(prefix.size()) : target;
}

// The repository's own config file (level local), for reading or writing one key.
ConfigPtr local_config(git_repository* repo) {
  git_config* all = nullptr;
  check(git_repository_config(&all, repo), "reading the repository config");
  ConfigPtr owned_all(all);
  git_config* local = nullptr;
  check(git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL),
        "opening the repository's .git/config");
  return ConfigPtr(local);
}

// HEAD's tree, or null on an unborn branch (everything in the index is then an addition).
TreePtr head_tree(git_repository* repo) {
  if (git_repository_head_unborn(repo) == 1) return nullptr;
  git_object* obj = nullptr;
  check(git_revparse_single(&obj, repo, "HEAD^{tree}"), "reading HEAD");
  return TreePtr(reinterpret_cast<git_tree*>(obj));
}

char kind_of(git_delta_t status) {
  switch (status) {
    case GIT_DELTA_ADDED:
      return 'A';
    case GIT_DELTA_DELETED:
      return 'D';
    default:
      return 'M';
  }
}

std::optional<std::string> link_target(git_repository* repo, const git_diff_file& file) {
  if (file.mode != GIT_FILEMODE_LINK) return std::nullopt;
  git_blob* blob = nullptr;
  check(git_blob_lookup(&blob, repo, &file.id), fmt::format("reading the link {}", file.path));
  BlobPtr owned(blob);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob));
  return std::string(data, static_cast<size_t>(git_blob_rawsize(blob)));
}

}  // namespace

GitDirs git_dirs(const fs::path& path) {
  RepoPtr repo = open_at(path);
  GitDirs dirs;
  dirs.git_dir = normal_dir(git_repository_path(repo.get()));
  dirs.common_dir = normal_dir(git_repository_commondir(repo.get()));
  if (const char* wd = git_repository_workdir(repo.get())) dirs.workdir = normal_dir(wd);
  dirs.main_root = main_root_of(repo.get());
  return dirs;
}

std::optional<std::string> config_value(const fs::path& repo_path, const std::string& key,
                                        ConfigScope scope) {
  RepoPtr repo = open_at(repo_path);
  ConfigPtr cfg;
  if (scope == ConfigScope::local) {
    cfg = local_config(repo.get());
  } else {
    git_config* snap = nullptr;
    check(git_repository_config_snapshot(&snap, repo.get()), "reading the git config");
    cfg.reset(snap);
  }
  BufGuard value;
  int rc = git_config_get_string_buf(&value.buf, cfg.get(), key.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, fmt::format("reading {} from the git config", key));
  return value.str();
}

void set_local_config(const fs::path& repo_path, const std::string& key, const std::string& value) {
  RepoPtr repo = open_at(repo_path);
  ConfigPtr cfg = local_config(repo.get());
  check(git_config_set_string(cfg.get(), key.c_str(), value.c_str()),
        fmt::format("setting {} in .git/config", key),
        "libgit2 cannot override a key that an [include] file sets: move it into .git/config");
}

void unset_local_config(const fs::path& repo_path, const std::string& key) {
  RepoPtr repo = open_at(repo_path);
  ConfigPtr cfg = local_config(repo.get());
  int rc = git_config_delete_entry(cfg.get(), key.c_str());
  if (rc == GIT_ENOTFOUND) return;
  check(rc, fmt::format("removing {} from .git/config", key));
}

StagedChanges staged_changes_from_env() {
  ensure_libgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
  const git_error* last = rc < 0 ? git_error_last() : nullptr;
  // libgit2 1.5 cannot read a split index; blocking is right, but say how to get unblocked.
  bool split_index = last && std::string_view(last->message).find("'link'") != std::string::npos;
  check(rc, "opening the repository being committed to",
        split_index ? "libgit2 cannot read a split index: run 'git update-index --no-split-index' "
                      "(and set core.splitIndex=false) in the task workspace"
                    : "run this from a git hook or inside a git worktree");
  RepoPtr repo(raw);
  if (git_repository_is_bare(repo.get())) {
    throw Error(ExitCode::vcs, "the repository being committed to is bare",
                "run this from a git hook or inside a git worktree");
  }
  StagedChanges out;
  out.git_dir = normal_dir(git_repository_path(repo.get()));
  out.workspace_root = normal_dir(git_repository_workdir(repo.get()));
  out.main_root = main_root_of(repo.get());
  out.branch = branch_of(repo.get());

  git_index* raw_index = nullptr;  // GIT_INDEX_FILE's, when git named one
  check(git_repository_index(&raw_index, repo.get()), "reading the index");
  IndexPtr index(raw_index);
  TreePtr tree = head_tree(repo.get());
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git_diff* raw_diff = nullptr;
  check(git_diff_tree_to_index(&raw_diff, repo.get(), tree.get(), index.get(), &opts),
        "comparing the index with HEAD");
  DiffPtr diff(raw_diff);
  size_t n = git_diff_num_deltas(diff.get());
  out.changes.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    StagedChange change;
    change.kind = kind_of(d->status);
    const git_diff_file& file = change.kind == 'D' ? d->old_file : d->new_file;
    change.path = file.path;
    if (change.kind != 'D') change.symlink_target = link_target(repo.get(), d->new_file);
    out.changes.push_back(std::move(change));
  }
  return out;
}

}  // namespace factory::vcs
