// Reading the change of a workspace for the git backend: file lists, line counts, added lines.
#include "vcs/git_vcs.hpp"

namespace factory::vcs {

namespace {

char kind_of(git_delta_t status) {
  switch (status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED:
      return 'A';
    case GIT_DELTA_DELETED:
      return 'D';
    default:
      return 'M';
  }
}

const char* path_of(const git_diff_delta* d) {
  return d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
}

bool plain_file(const git_diff_file& f) {
  return f.mode == 0 || f.mode == GIT_FILEMODE_BLOB;
}

BlobPtr blob_of(git_repository* r, const git_diff_file& f) {
  if (git_oid_is_zero(&f.id)) return nullptr;
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, r, &f.id), std::string("cannot read ") + f.path);
  return BlobPtr(raw);
}

}  // namespace

DeltaPatch delta_patch(git_repository* r, git_diff* diff, size_t i, bool raw_content,
                       bool binary_patch) {
  DeltaPatch out;
  const git_diff_delta* d = git_diff_get_delta(diff, i);
  git_patch* raw = nullptr;
  if (!raw_content || !plain_file(d->old_file) || !plain_file(d->new_file)) {
    check(git_patch_from_diff(&raw, diff, i), "cannot compute a patch");
    out.patch.reset(raw);
    return out;
  }
  // From buffers, libgit2 looks up no diff driver, so it needs no attributes (and no index).
  out.old_blob = blob_of(r, d->old_file);
  out.new_blob = blob_of(r, d->new_file);
  auto data = [](const BlobPtr& b) {
    return b ? static_cast<const char*>(git_blob_rawcontent(b.get())) : nullptr;
  };
  auto size = [](const BlobPtr& b) {
    return b ? static_cast<size_t>(git_blob_rawsize(b.get())) : 0;
  };
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = binary_patch ? GIT_DIFF_SHOW_BINARY : 0;
  check(git_patch_from_buffers(&raw, data(out.old_blob), size(out.old_blob), d->old_file.path,
                               data(out.new_blob), size(out.new_blob), d->new_file.path, &opts),
        "cannot compute a patch");
  out.patch.reset(raw);
  return out;
}

namespace {

bool is_binary(git_patch* patch) {
  return patch == nullptr || (git_patch_get_delta(patch)->flags & GIT_DIFF_FLAG_BINARY) != 0;
}

}  // namespace

DiffPtr GitVcs::tree_diff(git_repository* r, git_tree* from, const git_oid& to, bool binary_patch) {
  git_tree* to_raw = nullptr;
  check(git_tree_lookup(&to_raw, r, &to), "cannot read the tree of the working files");
  TreePtr to_tree(to_raw);
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE | (binary_patch ? GIT_DIFF_SHOW_BINARY : 0);
  git_diff* raw = nullptr;
  check(git_diff_tree_to_tree(&raw, r, from, to_tree.get(), &opts), "cannot compare trees");
  return DiffPtr(raw);
}

std::vector<FileChange> GitVcs::file_changes(git_repository* r, git_diff* diff, bool raw) {
  std::vector<FileChange> out;
  for (size_t i = 0, n = git_diff_num_deltas(diff); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff, i);
    FileChange change{path_of(d), kind_of(d->status)};
    auto dp = delta_patch(r, diff, i, raw, false);
    git_patch* patch = dp.patch.get();
    if (is_binary(patch)) {
      change.added_lines = change.removed_lines = -1;
    } else {
      size_t added = 0, removed = 0;
      check(git_patch_line_stats(nullptr, &added, &removed, patch), "cannot count lines");
      change.added_lines = static_cast<int>(added);
      change.removed_lines = static_cast<int>(removed);
    }
    out.push_back(std::move(change));
  }
  return out;
}

std::vector<FileChange> GitVcs::changes(const fs::path& ws) {
  auto* r = repo(ws);
  auto change = read_change(r);
  if (change.empty()) return {};
  auto diff = tree_diff(r, change.head.get(), content_tree(r, change), false);
  return file_changes(r, diff.get(), change.scan.raw_content);
}

std::vector<FileChange> GitVcs::changes_since(const fs::path& ws, const std::string& base_commit) {
  auto* r = repo(ws);
  auto base = commit_tree(r, base_commit);
  auto change = read_change(r);
  auto diff = tree_diff(r, base.get(), content_tree(r, change), false);
  return file_changes(r, diff.get(), change.scan.raw_content);
}

std::vector<AddedLines> GitVcs::added_lines_since(const fs::path& ws,
                                                  const std::string& base_commit) {
  auto* r = repo(ws);
  auto base = commit_tree(r, base_commit);
  auto change = read_change(r);
  auto diff = tree_diff(r, base.get(), content_tree(r, change), false);
  std::vector<AddedLines> out;
  for (size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->status == GIT_DELTA_DELETED) continue;
    auto dp = delta_patch(r, diff.get(), i, change.scan.raw_content, false);
    git_patch* patch = dp.patch.get();
    if (is_binary(patch)) continue;
    AddedLines file{path_of(d), {}};
    for (size_t h = 0, hn = git_patch_num_hunks(patch); h < hn; ++h) {
      int lines = git_patch_num_lines_in_hunk(patch, h);
      for (int l = 0; l < lines; ++l) {
        const git_diff_line* line = nullptr;
        check(git_patch_get_line_in_hunk(&line, patch, h, static_cast<size_t>(l)),
              "cannot read a diff line");
        if (line->origin != GIT_DIFF_LINE_ADDITION) continue;
        std::string text(line->content, line->content_len);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        file.lines.emplace_back(line->new_lineno, std::move(text));
      }
    }
    if (!file.lines.empty()) out.push_back(std::move(file));
  }
  return out;
}

}  // namespace factory::vcs
