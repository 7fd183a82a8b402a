// Saving, discarding and bringing back a workspace's change for the git backend.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "vcs/git_vcs.hpp"
#include "vcs/vcs_util.hpp"

namespace factory::vcs {

namespace {

// Deletes a file and then every parent directory it leaves empty, up to the workdir.
void remove_with_empty_parents(const fs::path& workdir, const std::string& rel) {
  std::error_code ec;
  fs::path p = workdir / rel;
  if (fs::is_directory(fs::symlink_status(p, ec))) return;  // only files are ever removed here
  fs::remove(p, ec);
  for (p = p.parent_path(); p.string().size() > workdir.string().size(); p = p.parent_path()) {
    if (!fs::remove(p, ec)) break;  // not empty (or gone): stop climbing
  }
}

// Makes room for a file at `p`: whatever is there goes, and parents that are files go too.
void clear_path(const fs::path& workdir, const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  for (fs::path dir = p.parent_path(); dir.string().size() > workdir.string().size();
       dir = dir.parent_path()) {
    auto st = fs::symlink_status(dir, ec);
    if (fs::exists(st) && !fs::is_directory(st)) fs::remove(dir, ec);
  }
  fs::create_directories(p.parent_path(), ec);
}

// Writes one file as HEAD has it (filters such as CRLF conversion applied).
void write_from_tree(git_repository* r, git_tree* head, const fs::path& workdir,
                     const std::string& path, bool raw_content) {
  git_tree_entry* raw = nullptr;
  check(git_tree_entry_bypath(&raw, head, path.c_str()), "cannot find " + path + " in HEAD");
  std::unique_ptr<git_tree_entry, GitFree<git_tree_entry, git_tree_entry_free>> entry(raw);
  git_filemode_t mode = git_tree_entry_filemode(raw);
  if (mode == GIT_FILEMODE_COMMIT || mode == GIT_FILEMODE_TREE) return;  // not a file of ours
  git_blob* blob_raw = nullptr;
  check(git_blob_lookup(&blob_raw, r, git_tree_entry_id(raw)), "cannot read " + path);
  std::unique_ptr<git_blob, GitFree<git_blob, git_blob_free>> blob(blob_raw);
  fs::path target = workdir / path;
  clear_path(workdir, target);
  if (mode == GIT_FILEMODE_LINK) {
    std::string link(static_cast<const char*>(git_blob_rawcontent(blob_raw)),
                     static_cast<size_t>(git_blob_rawsize(blob_raw)));
    if (symlink(link.c_str(), target.c_str()) != 0) {
      throw core::Error(core::ExitCode::vcs, "cannot restore symlink " + path, "check permissions");
    }
    return;
  }
  BufGuard buf;
  auto data = static_cast<const char*>(git_blob_rawcontent(blob_raw));
  auto size = static_cast<size_t>(git_blob_rawsize(blob_raw));
  if (!raw_content) {
    git_blob_filter_options opts = GIT_BLOB_FILTER_OPTIONS_INIT;
    check(git_blob_filter(&buf.buf, blob_raw, path.c_str(), &opts), "cannot filter " + path);
    data = buf.buf.ptr;
    size = buf.buf.size;
  }
  int fd = open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0777 : 0666);
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < size;) {
    ssize_t n = write(fd, data + done, size - done);
    ok = n > 0;
    done += ok ? static_cast<size_t>(n) : 0;
  }
  if (fd >= 0 && close(fd) != 0) ok = false;
  if (!ok) {
    throw core::Error(core::ExitCode::vcs, "cannot restore " + path,
                      "check disk space and permissions");
  }
}

void write_patch(git_repository* r, git_diff* diff, bool raw, const fs::path& patch_file) {
  std::string text;
  for (size_t i = 0, n = git_diff_num_deltas(diff); i < n; ++i) {
    auto dp = delta_patch(r, diff, i, raw, true);
    BufGuard buf;
    check(git_patch_to_buf(&buf.buf, dp.patch.get()), "cannot format the patch");
    text += buf.str();
  }
  std::error_code ec;
  fs::create_directories(patch_file.parent_path(), ec);
  std::ofstream out{patch_file, std::ios::binary | std::ios::trunc};
  out << text;
  if (!out) {
    throw core::Error(core::ExitCode::vcs, "cannot write " + patch_file.string(),
                      "check that the logs directory is writable");
  }
}

}  // namespace

void GitVcs::restore_paths(git_repository* r, const Change& change) {
  fs::path workdir = normal_dir(git_repository_workdir(r));
  std::set<std::string> paths, staged;
  for (const auto& f : change.scan.modified) paths.insert(f.path);
  for (const auto& f : change.scan.untracked) paths.insert(f.path);
  paths.insert(change.scan.deleted.begin(), change.scan.deleted.end());
  for (const auto& st : change.staged) staged.insert(st.path);
  paths.insert(staged.begin(), staged.end());
  std::vector<std::string> restored;
  // Deletions first, so a file that replaced a directory is gone before the directory returns.
  for (const auto& p : paths) {
    git_tree_entry* e = nullptr;
    if (change.head && git_tree_entry_bypath(&e, change.head.get(), p.c_str()) == 0) {
      git_tree_entry_free(e);
      restored.push_back(p);
    } else {
      remove_with_empty_parents(workdir, p);
    }
  }
  git_error_clear();
  for (const auto& p : restored)
    write_from_tree(r, change.head.get(), workdir, p, change.scan.raw_content);
  if (staged.empty()) return;  // index entries already match HEAD: no index write needed
  git_index* index = fresh_index(r);
  for (const auto& p : staged) {
    bool in_head = std::binary_search(restored.begin(), restored.end(), p);
    check(in_head ? git_index_add_bypath(index, p.c_str())
                  : git_index_remove_bypath(index, p.c_str()),
          "cannot reset the index entry of " + p);
  }
  check(git_index_write(index), "cannot write the git index");
}

std::string GitVcs::keep_change(git_repository* r, const Change& change, const git_oid& tree,
                                const std::string& ref, const fs::path& patch_file) {
  git_oid commit = write_commit(r, tree, "factory: saved change", false);
  git_reference* ref_raw = nullptr;
  check(git_reference_create(&ref_raw, r, ref.c_str(), &commit, 1, "factory: saved change"),
        "cannot create ref " + ref);
  git_reference_free(ref_raw);
  auto diff = tree_diff(r, change.head.get(), tree, true);
  write_patch(r, diff.get(), change.scan.raw_content, patch_file);
  return oid_hex(commit);
}

SavedChange GitVcs::save_change(const fs::path& ws, const std::string& ref,
                                const fs::path& patch_file) {
  auto* r = repo(ws);
  auto change = read_change(r);
  git_oid tree = content_tree(r, change);
  return SavedChange{keep_change(r, change, tree, ref, patch_file), ref};
}

void GitVcs::restore_to_head(const fs::path& ws) {
  auto* r = repo(ws);
  auto change = read_change(r);
  if (!change.empty()) restore_paths(r, change);
}

std::vector<FileChange> GitVcs::discard_change(const fs::path& ws, const std::string& ref,
                                               const fs::path& patch_file) {
  auto* r = repo(ws);
  auto change = read_change(r);
  if (change.empty()) return {};
  git_oid tree = content_tree(r, change);
  auto diff = tree_diff(r, change.head.get(), tree, false);
  auto discarded = file_changes(r, diff.get(), change.scan.raw_content);
  if (discarded.empty()) return discarded;  // staged and unstaged edits that cancel out
  keep_change(r, change, tree, ref, patch_file);
  restore_paths(r, change);
  return discarded;
}

void GitVcs::apply_saved(const fs::path& ws, const std::string& ref) {
  auto* r = repo(ws);
  git_object* obj = nullptr;
  check(git_revparse_single(&obj, r, (ref + "^{commit}").c_str()),
        "cannot find saved change " + ref,
        "list saved changes with `git for-each-ref refs/factory/`");
  CommitPtr saved(reinterpret_cast<git_commit*>(obj));
  TreePtr before;
  if (git_commit_parentcount(saved.get()) > 0) {
    git_commit* parent = nullptr;
    check(git_commit_parent(&parent, saved.get(), 0), "cannot read the saved change's parent");
    CommitPtr owned(parent);
    git_tree* t = nullptr;
    check(git_commit_tree(&t, parent), "cannot read the saved change's parent tree");
    before.reset(t);
  }
  auto diff = tree_diff(r, before.get(), *git_commit_tree_id(saved.get()), false);
  git_apply_options opts = GIT_APPLY_OPTIONS_INIT;
  if (git_apply(r, diff.get(), GIT_APPLY_LOCATION_WORKDIR, &opts) < 0) {
    throw core::Error(core::ExitCode::vcs,
                      "the saved change does not apply cleanly: " + git_message(),
                      "see it with `git diff " + ref + "^ " + ref +
                          "` or the patch under .factory/logs/, and apply it by hand");
  }
}

}  // namespace factory::vcs
