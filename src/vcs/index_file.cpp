#include "vcs/index_file.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace factory::vcs {

void snapshot_from_index(git_index* index, IndexSnapshot& out) {
  out = IndexSnapshot{};
  size_t n = git_index_entrycount(index);
  out.entries.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const git_index_entry* s = git_index_get_byindex(index, i);
    IndexEntry& e = out.entries[i];
    e.path = s->path;
    e.ctime_s = static_cast<uint32_t>(s->ctime.seconds);
    e.ctime_ns = s->ctime.nanoseconds;
    e.mtime_s = static_cast<uint32_t>(s->mtime.seconds);
    e.mtime_ns = s->mtime.nanoseconds;
    e.dev = s->dev;
    e.ino = s->ino;
    e.mode = s->mode;
    e.uid = s->uid;
    e.gid = s->gid;
    e.size = s->file_size;
    e.id = s->id;
    e.stage = git_index_entry_stage(s);
    e.skip_worktree = (s->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0;
  }
}

namespace {

struct TreeCheck {
  git_repository* repo;
  const std::vector<IndexEntry>& entries;

  // Index entries directly in `prefix` by name, and the names of its subdirectories.
  bool collect(const std::string& prefix,
               std::unordered_map<std::string_view, const IndexEntry*>& files,
               std::set<std::string_view>& dirs) const {
    auto it =
        std::lower_bound(entries.begin(), entries.end(), prefix,
                         [](const IndexEntry& e, const std::string& p) { return e.path < p; });
    for (; it != entries.end() && it->path.substr(0, prefix.size()) == prefix; ++it) {
      if (it->stage != 0) return false;
      auto rest = it->path.substr(prefix.size());
      auto slash = rest.find('/');
      if (slash == std::string_view::npos) {
        files.emplace(rest, &*it);
      } else {
        dirs.insert(rest.substr(0, slash));
      }
    }
    return true;
  }

  bool matches(const CacheNode& node, const git_oid& tree_id, const std::string& prefix) const {
    if (node.entry_count >= 0) return git_oid_equal(&node.oid, &tree_id);
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo, &tree_id) < 0) return false;
    std::unique_ptr<git_tree, void (*)(git_tree*)> tree(raw, git_tree_free);
    std::unordered_map<std::string_view, const IndexEntry*> files;
    std::set<std::string_view> dirs;
    if (!collect(prefix, files, dirs)) return false;
    size_t tree_files = 0, tree_dirs = 0;
    for (size_t i = 0, n = git_tree_entrycount(raw); i < n; ++i) {
      const git_tree_entry* te = git_tree_entry_byindex(raw, i);
      std::string_view name = git_tree_entry_name(te);
      if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
        ++tree_dirs;
        auto child = std::find_if(node.children.begin(), node.children.end(),
                                  [&](const CacheNode& c) { return c.name == name; });
        if (!dirs.count(name) || child == node.children.end() ||
            !matches(*child, *git_tree_entry_id(te), prefix + std::string(name) + "/")) {
          return false;
        }
      } else {
        ++tree_files;
        auto f = files.find(name);
        if (f == files.end() ||
            f->second->mode != static_cast<uint32_t>(git_tree_entry_filemode(te)) ||
            !git_oid_equal(&f->second->id, git_tree_entry_id(te))) {
          return false;
        }
      }
    }
    return tree_files == files.size() && tree_dirs == dirs.size();
  }
};

}  // namespace

bool index_matches_tree(git_repository* repo, const IndexSnapshot& index, git_tree* head) {
  if (!head) return index.entries.empty();
  if (!index.tree) return false;
  return TreeCheck{repo, index.entries}.matches(*index.tree, *git_tree_id(head), "");
}

}  // namespace factory::vcs
