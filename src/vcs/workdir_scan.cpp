#include "vcs/workdir_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "vcs/git_handles.hpp"
#include "vcs/working_blob.hpp"

namespace factory::vcs {

namespace {

struct Item {
  std::string_view name;
  const IndexEntry* entry;
};

// A directory that holds tracked files (or tracked directories).
struct Dir {
  std::string path;  // relative to the workdir, "" for the root
  std::vector<Item> files;
  std::vector<std::string> subdirs;  // sorted names of tracked subdirectories
};

struct Candidate {
  std::string path;
  struct stat st;
  const IndexEntry* entry;
};

// What one directory contributed; merged on the calling thread.
struct DirResult {
  std::vector<Candidate> candidates;  // stat differs: hash to decide
  std::vector<ScannedFile> modified;  // type or mode differs: changed for sure
  std::vector<std::string> deleted;
  std::vector<std::pair<std::string, bool>> untracked;  // (path, is directory)
  bool typechange = false;
  bool attributes = false;  // a .gitattributes file is here
};

struct Context {
  int root_fd = -1;
  bool trust_filemode = true;
  struct timespec index_mtime {};
  bool have_index_mtime = false;
  bool config_filters = false;  // settings outside the work tree may filter content
};

std::string join(const std::string& dir, std::string_view name) {
  return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

git_filemode_t mode_of(const struct stat& st, bool trust_filemode, uint32_t old_mode) {
  if (S_ISLNK(st.st_mode)) return GIT_FILEMODE_LINK;
  if (!trust_filemode &&
      (old_mode == GIT_FILEMODE_BLOB || old_mode == GIT_FILEMODE_BLOB_EXECUTABLE)) {
    return static_cast<git_filemode_t>(old_mode);
  }
  return (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
}

// The racy-git rule: an entry not older than the index file may hide a same-size edit.
bool stat_differs(const struct stat& st, const IndexEntry& e, const Context& ctx) {
  auto u32 = [](auto v) { return static_cast<uint32_t>(v); };
  if (u32(st.st_size) != e.size || u32(st.st_mtim.tv_sec) != e.mtime_s) return true;
  if (e.mtime_ns != 0 && u32(st.st_mtim.tv_nsec) != e.mtime_ns) return true;
  if (u32(st.st_ctim.tv_sec) != e.ctime_s) return true;
  if (e.ctime_ns != 0 && u32(st.st_ctim.tv_nsec) != e.ctime_ns) return true;
  if (e.ino != 0 && u32(st.st_ino) != e.ino) return true;
  if (!ctx.have_index_mtime) return true;
  const auto& im = ctx.index_mtime;
  return e.mtime_s > u32(im.tv_sec) ||
         (e.mtime_s == u32(im.tv_sec) && e.mtime_ns >= u32(im.tv_nsec));
}

bool is_dir_entry(int dfd, const struct dirent* de) {
  if (de->d_type != DT_UNKNOWN) return de->d_type == DT_DIR;
  struct stat st {};
  return fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

void check_tracked(int dfd, const Dir& dir, const Item& item, const Context& ctx, DirResult& out) {
  const IndexEntry& e = *item.entry;
  std::string path = join(dir.path, item.name);
  if (e.mode == GIT_FILEMODE_COMMIT) return;  // a submodule: its own repository's business
  struct stat st {};
  if (fstatat(dfd, std::string(item.name).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    out.deleted.push_back(path);
    return;
  }
  if (S_ISDIR(st.st_mode)) {  // the file became a directory
    out.deleted.push_back(path);
    out.untracked.emplace_back(path, true);
    out.typechange = true;
    return;
  }
  git_filemode_t mode = mode_of(st, ctx.trust_filemode, e.mode);
  if (e.stage != 0 || mode != e.mode) {
    out.modified.push_back({path, mode});
  } else if (stat_differs(st, e, ctx)) {
    out.candidates.push_back({path, st, &e});
  }
}

void scan_dir(const Dir& dir, const Context& ctx, DirResult& out) {
  int fd = openat(ctx.root_fd, dir.path.empty() ? "." : dir.path.c_str(),
                  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* d = fd < 0 ? nullptr : fdopendir(fd);
  if (!d) {
    if (fd >= 0) close(fd);
    for (const auto& item : dir.files) out.deleted.push_back(join(dir.path, item.name));
    return;
  }
  std::vector<char> seen(dir.files.size(), 0);
  int dfd = dirfd(d);
  while (const struct dirent* de = readdir(d)) {
    std::string_view name = de->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    if (name == ".gitattributes") out.attributes = true;
    auto it = std::lower_bound(dir.files.begin(), dir.files.end(), name,
                               [](const Item& a, std::string_view n) { return a.name < n; });
    if (it != dir.files.end() && it->name == name) {
      for (auto j = it; j != dir.files.end() && j->name == name; ++j)
        seen[j - dir.files.begin()] = 1;
      if (!it->entry->skip_worktree) {
        check_tracked(dfd, dir, *it, ctx, out);
      }
      continue;
    }
    bool is_dir = is_dir_entry(dfd, de);
    if (std::binary_search(dir.subdirs.begin(), dir.subdirs.end(), name)) {
      if (!is_dir) {  // a tracked directory replaced by a file; its entries show as deleted
        out.untracked.emplace_back(join(dir.path, name), false);
        out.typechange = true;
      }
      continue;
    }
    out.untracked.emplace_back(join(dir.path, name), is_dir);
  }
  closedir(d);
  for (size_t i = 0; i < dir.files.size(); ++i) {
    if (!seen[i] && !dir.files[i].entry->skip_worktree) {
      out.deleted.push_back(join(dir.path, dir.files[i].name));
    }
  }
}

// Groups index entries by directory; every ancestor of a tracked file is a tracked directory.
std::vector<Dir> tracked_dirs(const std::vector<IndexEntry>& entries) {
  std::vector<Dir> dirs(1);
  std::unordered_map<std::string_view, size_t> by_path{{"", 0}};
  auto dir_of = [&](std::string_view path, auto& self) -> size_t {
    if (auto it = by_path.find(path); it != by_path.end()) return it->second;
    auto slash = path.rfind('/');
    std::string_view parent = slash == std::string_view::npos ? "" : path.substr(0, slash);
    size_t p = self(parent, self);
    dirs[p].subdirs.emplace_back(slash == std::string_view::npos ? path : path.substr(slash + 1));
    dirs.push_back(Dir{std::string(path), {}, {}});
    by_path.emplace(path, dirs.size() - 1);
    return dirs.size() - 1;
  };
  for (const auto& entry : entries) {
    const IndexEntry* e = &entry;
    std::string_view path = e->path;
    auto slash = path.rfind('/');
    size_t d = dir_of(slash == std::string_view::npos ? "" : path.substr(0, slash), dir_of);
    dirs[d].files.push_back({slash == std::string_view::npos ? path : path.substr(slash + 1), e});
  }
  for (auto& d : dirs) {
    std::sort(d.subdirs.begin(), d.subdirs.end());
    std::stable_sort(d.files.begin(), d.files.end(),
                     [](const Item& a, const Item& b) { return a.name < b.name; });
  }
  return dirs;
}

bool file_matches(git_repository* repo, bool raw, const Candidate& c) {
  git_oid oid;  // git never filters a symlink's target
  return hash_working_file(repo, c.path, raw || S_ISLNK(c.st.st_mode), oid) &&
         git_oid_equal(&oid, &c.entry->id);
}

bool is_ignored(git_repository* repo, const std::string& path, bool is_dir) {
  int ignored = 0;
  check(git_ignore_path_is_ignored(&ignored, repo, (is_dir ? path + "/" : path).c_str()),
        "cannot read ignore rules for " + path);
  return ignored != 0;
}

// Collects the not-ignored files of a new directory (nested repositories are skipped).
void add_untracked(git_repository* repo, int root_fd, const Context& ctx, const std::string& path,
                   bool is_dir, WorkdirScan& out) {
  if (is_ignored(repo, path, is_dir)) return;
  struct stat st {};
  if (!is_dir) {
    if (fstatat(root_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      out.untracked.push_back({path, mode_of(st, ctx.trust_filemode, 0)});
    }
    return;
  }
  if (fstatat(root_fd, (path + "/.git").c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return;
  int fd = openat(root_fd, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* d = fd < 0 ? nullptr : fdopendir(fd);
  if (!d) {
    if (fd >= 0) close(fd);
    return;
  }
  std::vector<std::pair<std::string, bool>> children;
  while (const struct dirent* de = readdir(d)) {
    std::string_view name = de->d_name;
    if (name == "." || name == "..") continue;
    if (name == ".gitattributes") out.raw_content = false;
    children.emplace_back(path + "/" + std::string(name), is_dir_entry(dirfd(d), de));
  }
  closedir(d);
  for (const auto& [child, child_is_dir] : children) {
    add_untracked(repo, root_fd, ctx, child, child_is_dir, out);
  }
}

Context make_context(git_repository* repo, const std::filesystem::path& index_path, int root_fd) {
  Context ctx;
  ctx.root_fd = root_fd;
  ctx.config_filters = config_may_filter(repo);
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, repo) == 0) {
    int value = 1;
    if (git_config_get_bool(&value, cfg, "core.filemode") == 0) ctx.trust_filemode = value != 0;
    git_config_free(cfg);
  }
  git_error_clear();
  struct stat st {};
  if (stat(index_path.c_str(), &st) == 0) {
    ctx.index_mtime = st.st_mtim;
    ctx.have_index_mtime = true;
  }
  return ctx;
}

}  // namespace

WorkdirScan scan_workdir(git_repository* repo, const IndexSnapshot& index,
                         const std::filesystem::path& index_path) {
  const char* workdir = git_repository_workdir(repo);
  int root_fd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    throw core::Error(core::ExitCode::vcs, std::string("cannot open ") + workdir,
                      "is the workspace still there?");
  }
  struct FdGuard {
    int fd;
    ~FdGuard() { close(fd); }
  } guard{root_fd};
  Context ctx = make_context(repo, index_path, root_fd);
  auto dirs = tracked_dirs(index.entries);
  std::vector<DirResult> results(dirs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < dirs.size(); i = next++) scan_dir(dirs[i], ctx, results[i]);
  };
  size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 2, 8);
  threads = std::min(threads, (dirs.size() + 15) / 16);  // small trees are not worth a thread
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  // libgit2 calls stay on this thread: hashing and ignore rules use shared repository caches.
  WorkdirScan out;
  out.raw_content = !ctx.config_filters;
  for (const auto& e : index.entries) {
    auto slash = e.path.rfind('/');
    auto name = slash == std::string_view::npos ? e.path : e.path.substr(slash + 1);
    if (name == ".gitattributes") out.raw_content = false;
  }
  for (auto& r : results) {
    out.typechange = out.typechange || r.typechange;
    if (r.attributes) out.raw_content = false;
    for (auto& m : r.modified) out.modified.push_back(std::move(m));
    for (auto& d : r.deleted) out.deleted.push_back(std::move(d));
    for (auto& [path, is_dir] : r.untracked) add_untracked(repo, root_fd, ctx, path, is_dir, out);
  }
  // Hashing comes last: only now is it known whether any attributes file could filter content.
  for (auto& r : results) {
    for (auto& c : r.candidates) {
      if (file_matches(repo, out.raw_content, c)) {
        out.stale.push_back({c.path, c.st});
      } else {
        out.modified.push_back({c.path, mode_of(c.st, ctx.trust_filemode, c.entry->mode)});
      }
    }
  }
  auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
  std::sort(out.modified.begin(), out.modified.end(), by_path);
  out.modified.erase(std::unique(out.modified.begin(), out.modified.end(),
                                 [](const auto& a, const auto& b) { return a.path == b.path; }),
                     out.modified.end());
  std::sort(out.untracked.begin(), out.untracked.end(), by_path);
  std::sort(out.deleted.begin(), out.deleted.end());
  out.deleted.erase(std::unique(out.deleted.begin(), out.deleted.end()), out.deleted.end());
  return out;
}

}  // namespace factory::vcs
