// Reading a workspace's change for the git backend: one scan of the working files, the staged
// differences, and the tree they add up to.
#include <cstring>
#include <map>

#include "vcs/git_vcs.hpp"
#include "vcs/working_blob.hpp"

namespace factory::vcs {

namespace {

// Re-reads the index from disk when a scope that must not write it ends, even on an exception.
struct IndexRollback {
  git_index* index;
  ~IndexRollback() { git_index_read(index, 1); }
};

bool in_tree(git_tree* tree, const std::string& path) {
  if (!tree) return false;
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree, path.c_str()) < 0) {
    git_error_clear();
    return false;
  }
  git_tree_entry_free(e);
  return true;
}

git_tree_update upsert(const char* path, const git_oid& id, git_filemode_t mode) {
  git_tree_update u{};
  u.action = GIT_TREE_UPDATE_UPSERT;
  u.id = id;
  u.filemode = mode;
  u.path = path;
  return u;
}

git_tree_update removal(const char* path) {
  git_tree_update u{};
  u.action = GIT_TREE_UPDATE_REMOVE;
  u.path = path;
  return u;
}

}  // namespace

GitVcs::Change GitVcs::read_change(git_repository* r) {
  Change change;
  change.head = head_tree(r);
  fs::path index_path = fs::path(git_repository_path(r)) / "index";
  IndexSnapshot snapshot;
  if (!read_index_file(index_path, snapshot)) snapshot_from_index(fresh_index(r), snapshot);
  change.scan = scan_workdir(r, snapshot, index_path);
  if (!index_matches_tree(r, snapshot, change.head.get())) {
    change.staged = staged_changes(r, change.head.get());
  }
  return change;
}

std::vector<GitVcs::Staged> GitVcs::staged_changes(git_repository* r, git_tree* head) {
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
  git_diff* raw = nullptr;
  check(git_diff_tree_to_index(&raw, r, head, fresh_index(r), &opts),
        "cannot compare the index with HEAD");
  DiffPtr diff(raw);
  std::vector<Staged> out;
  for (size_t i = 0, n = git_diff_num_deltas(raw); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->status == GIT_DELTA_DELETED) {
      out.push_back({d->old_file.path, true, {}, GIT_FILEMODE_BLOB});
    } else {
      out.push_back(
          {d->new_file.path, false, d->new_file.id, static_cast<git_filemode_t>(d->new_file.mode)});
    }
  }
  return out;
}

git_oid GitVcs::content_tree(git_repository* r, const Change& change) {
  if (change.scan.typechange) return content_tree_via_index(r);
  // Updates keyed by path: what the working files say wins over what the index says.
  std::map<std::string, git_tree_update> updates;
  for (const auto& st : change.staged) {
    updates[st.path] =
        st.removed ? removal(st.path.c_str()) : upsert(st.path.c_str(), st.id, st.mode);
  }
  auto add_file = [&](const ScannedFile& f) {
    bool raw = change.scan.raw_content || f.mode == GIT_FILEMODE_LINK;
    git_oid id = store_working_file(r, f.path, raw);
    updates[f.path] = upsert(f.path.c_str(), id, f.mode);
  };
  for (const auto& f : change.scan.modified) add_file(f);
  for (const auto& f : change.scan.untracked) add_file(f);
  for (const auto& p : change.scan.deleted) updates[p] = removal(p.c_str());

  std::vector<git_tree_update> list;
  for (auto& [path, u] : updates) {
    // Removing what HEAD does not have (a staged file deleted again) is no update at all.
    if (u.action == GIT_TREE_UPDATE_REMOVE && !in_tree(change.head.get(), path)) continue;
    u.path = path.c_str();
    list.push_back(u);
  }
  TreePtr base;
  if (change.head) {
    if (list.empty()) return *git_tree_id(change.head.get());
    git_tree* copy = nullptr;
    check(git_tree_dup(&copy, change.head.get()), "cannot copy HEAD's tree");
    base.reset(copy);
  } else {
    git_treebuilder* tb = nullptr;
    git_oid empty;
    check(git_treebuilder_new(&tb, r, nullptr), "cannot build an empty tree");
    int rc = git_treebuilder_write(&empty, tb);
    git_treebuilder_free(tb);
    check(rc, "cannot write an empty tree");
    if (list.empty()) return empty;
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, r, &empty), "cannot read the empty tree");
    base.reset(t);
  }
  git_oid out;
  check(git_tree_create_updated(&out, r, base.get(), list.size(), list.data()),
        "cannot write the tree of the working files");
  return out;
}

git_oid GitVcs::content_tree_via_index(git_repository* r) {
  git_index* index = fresh_index(r);
  IndexRollback rollback{index};
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags =
      GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_INCLUDE_TYPECHANGE;
  git_diff* raw = nullptr;
  check(git_diff_index_to_workdir(&raw, r, index, &opts), "cannot compare the working files");
  DiffPtr diff(raw);
  for (size_t i = 0, n = git_diff_num_deltas(raw); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    const char* path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
    size_t len = std::strlen(path);
    if (len > 0 && path[len - 1] == '/') continue;  // a nested repository
    check(d->status == GIT_DELTA_DELETED ? git_index_remove_bypath(index, path)
                                         : git_index_add_bypath(index, path),
          std::string("cannot stage ") + path);
  }
  git_oid tree;
  check(git_index_write_tree(&tree, index), "cannot write the tree of the working files");
  return tree;
}

void GitVcs::stage_change(git_repository* r, const Change& change) {
  git_index* index = fresh_index(r);
  for (const auto& p : change.scan.deleted) {
    check(git_index_remove_bypath(index, p.c_str()), "cannot unstage " + p);
  }
  for (const auto* files : {&change.scan.modified, &change.scan.untracked}) {
    for (const auto& f : *files) {
      check(git_index_add_bypath(index, f.path.c_str()), "cannot stage " + f.path);
    }
  }
  // Refresh stat data of touched-but-unchanged files so later scans need not hash them.
  for (const auto& s : change.scan.stale) {
    const git_index_entry* old = git_index_get_bypath(index, s.path.c_str(), 0);
    if (!old) continue;
    git_index_entry e = *old;
    e.ctime = {static_cast<int32_t>(s.st.st_ctim.tv_sec),
               static_cast<uint32_t>(s.st.st_ctim.tv_nsec)};
    e.mtime = {static_cast<int32_t>(s.st.st_mtim.tv_sec),
               static_cast<uint32_t>(s.st.st_mtim.tv_nsec)};
    e.dev = static_cast<uint32_t>(s.st.st_dev);
    e.ino = static_cast<uint32_t>(s.st.st_ino);
    e.uid = s.st.st_uid;
    e.gid = s.st.st_gid;
    e.file_size = static_cast<uint32_t>(s.st.st_size);
    git_index_add(index, &e);
  }
  check(git_index_write(index), "cannot write the git index");
}

}  // namespace factory::vcs
