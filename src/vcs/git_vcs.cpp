#include "vcs/git_vcs.hpp"

#include <algorithm>

#include "vcs/vcs_util.hpp"

namespace factory::vcs {

namespace {

std::string short_branch(const std::string& branch) {
  const std::string prefix = "refs/heads/";
  return branch.rfind(prefix, 0) == 0 ? branch.substr(prefix.size()) : branch;
}

int collect_ref(const char* name, void* payload) {
  static_cast<std::vector<std::string>*>(payload)->emplace_back(name);
  return 0;
}

}  // namespace

// libgit2 starts on first use, not here: commands that only read the store never pay for it.
GitVcs::GitVcs(fs::path main_root) : m_main_root(normal_dir(main_root)) {}

git_repository* GitVcs::repo(const fs::path& ws) {
  ensure_libgit2();
  auto key = normal_dir(ws);
  if (auto it = m_repos.find(key); it != m_repos.end()) return it->second.get();
  git_repository* raw = nullptr;
  check(git_repository_open_ext(&raw, key.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
        "cannot open the git repository at " + key.string(),
        "is the workspace still there? `factory status` shows where each task lives");
  return m_repos.emplace(key, RepoPtr(raw)).first->second.get();
}

git_index* GitVcs::fresh_index(git_repository* r) {
  git_index* index = nullptr;
  check(git_repository_index(&index, r), "cannot load the git index");
  // The repository keeps its own reference; ours is released at once and the pointer stays
  // valid for as long as the repository is open.
  git_index_free(index);
  check(git_index_read(index, 0), "cannot read the git index");
  return index;
}

TreePtr GitVcs::head_tree(git_repository* r) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, r, "HEAD^{tree}");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return nullptr;
  check(rc, "cannot read HEAD");
  return TreePtr(reinterpret_cast<git_tree*>(obj));
}

TreePtr GitVcs::commit_tree(git_repository* r, const std::string& rev) {
  git_object* obj = nullptr;
  check(git_revparse_single(&obj, r, (rev + "^{tree}").c_str()),
        "cannot find revision '" + rev + "'", "check the revision with `git log " + rev + "`");
  return TreePtr(reinterpret_cast<git_tree*>(obj));
}

std::optional<std::string> GitVcs::file_at(const fs::path& ws, const std::string& commit,
                                           const std::string& path) {
  auto* r = repo(ws);
  auto tree = commit_tree(r, commit);
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, tree.get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, "cannot read " + path + " in " + commit);
  std::unique_ptr<git_tree_entry, GitFree<git_tree_entry, git_tree_entry_free>> entry(raw);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;  // a folder
  git_blob* blob = nullptr;
  check(git_blob_lookup(&blob, r, git_tree_entry_id(entry.get())),
        "cannot read " + path + " in " + commit);
  BlobPtr owned(blob);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                     static_cast<size_t>(git_blob_rawsize(blob)));
}

std::string GitVcs::add_workspace(const fs::path& ws, const std::string& branch,
                                  const std::string& base_rev) {
  auto* r = repo(m_main_root);
  std::string rev = base_rev.empty() ? "HEAD" : base_rev;
  git_object* raw = nullptr;
  check(git_revparse_single(&raw, r, (rev + "^{commit}").c_str()),
        "cannot find base revision '" + rev + "'",
        base_rev.empty() ? "the repository needs at least one commit" : "pass an existing --base");
  ObjectPtr commit(raw);

  std::string name = short_branch(branch);
  git_reference* ref_raw = nullptr;
  check(
      git_branch_create(&ref_raw, r, name.c_str(), reinterpret_cast<git_commit*>(commit.get()), 0),
      "cannot create branch " + name, "delete the branch or choose another task id");
  RefPtr ref(ref_raw);

  std::error_code ec;
  fs::create_directories(normal_dir(ws).parent_path(), ec);
  git_worktree_add_options opts = GIT_WORKTREE_ADD_OPTIONS_INIT;
  opts.ref = ref.get();
  git_worktree* wt = nullptr;
  auto wt_name = normal_dir(ws).filename().string();
  if (git_worktree_add(&wt, r, wt_name.c_str(), normal_dir(ws).c_str(), &opts) < 0) {
    std::string message = git_message();
    git_branch_delete(ref.get());  // leave no half-created branch behind
    throw core::Error(core::ExitCode::vcs, "cannot create worktree " + ws.string() + ": " + message,
                      "remove the directory or a stale worktree (`git worktree prune`)");
  }
  git_worktree_free(wt);
  return oid_hex(*git_object_id(commit.get()));
}

void GitVcs::remove_workspace(const fs::path& ws, const std::string& branch,
                              const std::string& keep_ref) {
  auto* r = repo(m_main_root);
  std::string name = short_branch(branch);
  git_reference* ref_raw = nullptr;
  RefPtr branch_ref;
  if (git_branch_lookup(&ref_raw, r, name.c_str(), GIT_BRANCH_LOCAL) == 0)
    branch_ref.reset(ref_raw);
  if (!keep_ref.empty() && branch_ref) {
    git_reference* kept = nullptr;
    check(git_reference_create(&kept, r, keep_ref.c_str(), git_reference_target(branch_ref.get()),
                               1, "factory: keep removed workspace"),
          "cannot create ref " + keep_ref);
    git_reference_free(kept);
  }
  auto dir = normal_dir(ws);
  m_repos.erase(dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) {
    throw core::Error(core::ExitCode::vcs, "cannot delete " + dir.string() + ": " + ec.message(),
                      "close programs using the workspace and try again");
  }
  git_worktree* wt = nullptr;
  if (git_worktree_lookup(&wt, r, dir.filename().c_str()) == 0) {
    WorktreePtr owned(wt);
    git_worktree_prune_options opts = GIT_WORKTREE_PRUNE_OPTIONS_INIT;
    opts.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_WORKING_TREE;
    check(git_worktree_prune(wt, &opts), "cannot prune worktree " + dir.filename().string(),
          "run `git worktree prune` in the main worktree");
  }
  if (branch_ref) check(git_branch_delete(branch_ref.get()), "cannot delete branch " + name);
}

std::string GitVcs::head_commit(const fs::path& ws) {
  git_oid oid;
  check(git_reference_name_to_id(&oid, repo(ws), "HEAD"), "cannot resolve HEAD in " + ws.string());
  return oid_hex(oid);
}

std::vector<std::string> GitVcs::refs_with_prefix(const std::string& prefix) {
  std::vector<std::string> refs;
  check(git_reference_foreach_glob(repo(m_main_root), (prefix + "*").c_str(), collect_ref, &refs),
        "cannot list refs under " + prefix);
  std::sort(refs.begin(), refs.end(), natural_less);
  return refs;
}

bool GitVcs::main_tree_dirty_except(const std::vector<std::string>& paths) {
  auto change = read_change(repo(m_main_root));
  auto outside = [&](const std::string& p) {
    return !is_factory_path(p) && std::find(paths.begin(), paths.end(), p) == paths.end();
  };
  const auto& scan = change.scan;
  return std::any_of(scan.modified.begin(), scan.modified.end(),
                     [&](auto& f) { return outside(f.path); }) ||
         std::any_of(scan.untracked.begin(), scan.untracked.end(),
                     [&](auto& f) { return outside(f.path); }) ||
         std::any_of(scan.deleted.begin(), scan.deleted.end(), outside) ||
         std::any_of(change.staged.begin(), change.staged.end(),
                     [&](auto& s) { return outside(s.path); });
}

void GitVcs::ensure_excluded(const std::vector<std::string>& patterns) {
  fs::path common = git_repository_commondir(repo(m_main_root));
  update_exclude_block(common / "info" / "exclude", patterns);
}

}  // namespace factory::vcs
