// Committing for the git backend: the content tree id, commit_all and commit_paths.
#include <sys/stat.h>

#include "vcs/git_vcs.hpp"

namespace factory::vcs {

namespace {

bool same_tree(const git_oid& tree, git_tree* head) {
  return head != nullptr && git_oid_equal(&tree, git_tree_id(head));
}

bool is_empty_tree(git_repository* r, const git_oid& tree) {
  git_tree* t = nullptr;
  if (git_tree_lookup(&t, r, &tree) < 0) return false;
  bool empty = git_tree_entrycount(t) == 0;
  git_tree_free(t);
  return empty;
}

}  // namespace

git_oid GitVcs::write_commit(git_repository* r, const git_oid& tree_id, const std::string& message,
                             bool update_head) {
  git_signature* sig_raw = nullptr;
  if (git_signature_default(&sig_raw, r) < 0) {
    // No user.name/user.email configured: commit anyway under a recognisable identity.
    check(git_signature_now(&sig_raw, "factory", "factory@localhost"), "cannot make a signature");
  }
  SignaturePtr sig(sig_raw);
  git_tree* tree_raw = nullptr;
  check(git_tree_lookup(&tree_raw, r, &tree_id), "cannot read the new tree");
  TreePtr tree(tree_raw);
  CommitPtr parent;
  git_oid head_id;
  if (git_reference_name_to_id(&head_id, r, "HEAD") == 0) {
    git_commit* p = nullptr;
    check(git_commit_lookup(&p, r, &head_id), "cannot read the HEAD commit");
    parent.reset(p);
  }
  const git_commit* parents[] = {parent.get()};
  git_oid out;
  check(git_commit_create(&out, r, update_head ? "HEAD" : nullptr, sig.get(), sig.get(), nullptr,
                          message.c_str(), tree.get(), parent ? 1 : 0, parents),
        "cannot create the commit", "check `git status` in the workspace");
  return out;
}

std::string GitVcs::content_tree_id(const fs::path& ws) {
  auto* r = repo(ws);
  return oid_hex(content_tree(r, read_change(r)));
}

std::optional<std::string> GitVcs::commit_all(const fs::path& ws, const std::string& message) {
  auto* r = repo(ws);
  auto change = read_change(r);
  git_oid tree = content_tree(r, change);
  if (same_tree(tree, change.head.get()) || (!change.head && is_empty_tree(r, tree))) {
    return std::nullopt;
  }
  stage_change(r, change);
  return oid_hex(write_commit(r, tree, message, true));
}

std::optional<std::string> GitVcs::commit_paths(const fs::path& ws,
                                                const std::vector<std::string>& paths,
                                                const std::string& message) {
  auto* r = repo(ws);
  fs::path workdir = git_repository_workdir(r);
  auto head = head_tree(r);
  // HEAD's tree plus exactly these paths, so nothing else slips into the commit.
  std::vector<git_tree_update> updates;
  std::vector<bool> exists(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    const auto& p = paths[i];
    struct stat st {};
    exists[i] = lstat((workdir / p).c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
    git_tree_update u{};
    u.path = p.c_str();
    if (!exists[i]) {
      git_tree_entry* e = nullptr;
      if (!head || git_tree_entry_bypath(&e, head.get(), p.c_str()) < 0) continue;
      git_tree_entry_free(e);
      u.action = GIT_TREE_UPDATE_REMOVE;
    } else {
      u.action = GIT_TREE_UPDATE_UPSERT;
      check(git_blob_create_from_workdir(&u.id, r, p.c_str()), "cannot store " + p);
      u.filemode = S_ISLNK(st.st_mode)      ? GIT_FILEMODE_LINK
                   : (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE
                                            : GIT_FILEMODE_BLOB;
    }
    updates.push_back(u);
  }
  git_error_clear();
  if (updates.empty()) return std::nullopt;
  git_oid tree;
  if (head) {
    check(git_tree_create_updated(&tree, r, head.get(), updates.size(), updates.data()),
          "cannot write the tree to commit");
    if (same_tree(tree, head.get())) return std::nullopt;
  } else {
    git_index* mem = nullptr;  // no HEAD yet: build the first tree from scratch
    check(git_index_new(&mem), "cannot create an index");
    IndexPtr owned(mem);
    for (const auto& u : updates) {
      if (u.action != GIT_TREE_UPDATE_UPSERT) continue;
      git_index_entry entry{};
      entry.path = u.path;
      entry.id = u.id;
      entry.mode = u.filemode;
      check(git_index_add(mem, &entry), std::string("cannot stage ") + u.path);
    }
    check(git_index_write_tree_to(&tree, mem, r), "cannot write the tree to commit");
  }
  auto commit = write_commit(r, tree, message, true);
  // Stage those paths at their committed state; every other entry keeps its old state, so the
  // rest of the change shows up as unstaged work, as after `git commit <paths>`.
  git_index* index = fresh_index(r);
  for (size_t i = 0; i < paths.size(); ++i) {
    const char* p = paths[i].c_str();
    check(exists[i] ? git_index_add_bypath(index, p) : git_index_remove_bypath(index, p),
          "cannot update the index for " + paths[i]);
  }
  check(git_index_write(index), "cannot write the git index");
  return oid_hex(commit);
}

}  // namespace factory::vcs
