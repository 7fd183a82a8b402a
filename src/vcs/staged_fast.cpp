// HEAD's tree against the index without libgit2, answering exactly what git_diff_tree_to_index
// (default options) answers in staged_changes_from_env, or Unsupported.
//
// Both sides are walked in git's path order (bytes; a tree's canonical order makes its recursive
// walk come out that way too) and merged. Subtrees the index's cached tree (TREE extension)
// proves unchanged are skipped together with their index entries, so a small change in a big
// repository reads only the trees on its paths.
#include "vcs/staged_fast.hpp"

#include <cstring>

#include "vcs/fast_repo.hpp"
#include "vcs/index_parse.hpp"
#include "vcs/object_reader.hpp"

namespace factory::vcs {

namespace {

constexpr uint32_t k_dir = 0040000;
constexpr uint32_t k_file = 0100644;
constexpr uint32_t k_exe = 0100755;
constexpr uint32_t k_link = 0120000;
constexpr uint32_t k_gitlink = 0160000;
constexpr uint32_t k_type_mask = 0170000;

// One file (blob, link or submodule) of HEAD's tree.
struct TreeFile {
  std::string path;
  uint32_t mode = 0;
  Oid id{};
};

bool same_id(const Oid& a, const git_oid& b) {
  return std::memcmp(a.data(), b.id, 20) == 0;
}

bool known_file_mode(uint32_t mode) {
  return mode == k_file || mode == k_exe || mode == k_link || mode == k_gitlink;
}

// HEAD's tree, flattened; subtrees the cached tree vouches for are listed in `skipped` instead.
struct TreeWalk {
  ObjectReader& db;
  std::vector<TreeFile> files;
  std::vector<std::string> skipped;  // "dir/" prefixes, in path order

  void walk(const Oid& tree_id, const std::string& prefix, const CacheNode* cache) {
    Object tree = db.read(tree_id);
    if (tree.type != ObjectType::tree) throw Unsupported("not a tree: " + oid_to_hex(tree_id));
    const char* p = tree.data.data();
    const char* end = p + tree.data.size();
    std::string previous_key;
    while (p < end) {
      const char* space = static_cast<const char*>(std::memchr(p, ' ', end - p));
      if (!space || space == p || space - p > 6) throw Unsupported("corrupt tree");
      uint32_t mode = 0;
      for (const char* d = p; d < space; ++d) {
        if (*d < '0' || *d > '7') throw Unsupported("corrupt tree");
        mode = mode * 8 + static_cast<uint32_t>(*d - '0');
      }
      const char* name = space + 1;
      const char* nul = static_cast<const char*>(std::memchr(name, '\0', end - name));
      if (!nul || end - nul < 21) throw Unsupported("corrupt tree");
      std::string_view entry_name(name, static_cast<size_t>(nul - name));
      if (entry_name.empty() || entry_name == "." || entry_name == ".." ||
          entry_name.find('/') != std::string_view::npos) {
        throw Unsupported("tree entry with an unusual name");
      }
      Oid id{};
      std::memcpy(id.data(), nul + 1, 20);
      p = nul + 21;
      // Canonical order (a folder sorts as "name/") is what makes the flat walk sorted.
      std::string key = std::string(entry_name) + (mode == k_dir ? "/" : "");
      if (!previous_key.empty() && key <= previous_key) throw Unsupported("tree out of order");
      previous_key = key;
      if (mode == k_dir) {
        descend(id, prefix + key, cache, entry_name);
      } else if (known_file_mode(mode)) {
        files.push_back(TreeFile{prefix + std::string(entry_name), mode, id});
      } else {
        throw Unsupported("tree entry with an unusual mode");  // e.g. an old 100664
      }
    }
  }

  void descend(const Oid& id, const std::string& dir_prefix, const CacheNode* cache,
               std::string_view name) {
    const CacheNode* child = nullptr;
    if (cache) {
      for (const auto& c : cache->children) {
        if (c.name == name) child = &c;
      }
    }
    if (child && child->entry_count >= 0 && same_id(id, child->oid)) {
      skipped.push_back(dir_prefix);
    } else {
      walk(id, dir_prefix, child);
    }
  }
};

// The tree a commit (or a tag of one) points at.
Oid tree_of_commit(ObjectReader& db, Oid id) {
  for (int depth = 0; depth < 5; ++depth) {
    Object obj = db.read(id);
    std::string_view data = obj.data;
    std::string_view field = obj.type == ObjectType::commit ? "tree " : "object ";
    if ((obj.type != ObjectType::commit && obj.type != ObjectType::tag) ||
        data.substr(0, field.size()) != field || data.size() < field.size() + 41 ||
        data[field.size() + 40] != '\n') {
      throw Unsupported("HEAD is not a commit");
    }
    id = oid_from_hex(data.substr(field.size(), 40));
    if (obj.type == ObjectType::commit) return id;
  }
  throw Unsupported("tags nested too deeply");
}

// Merges the two sorted sides into the changes git_diff_tree_to_index reports.
class Merge {
 public:
  Merge(ObjectReader& db, const TreeWalk& tree, const IndexSnapshot& index)
      : m_db(db), m_tree(tree), m_index(index) {}

  std::vector<StagedChange> run() {
    size_t t = 0;
    const IndexEntry* e = next_entry();
    while (t < m_tree.files.size() || e) {
      const TreeFile* f = t < m_tree.files.size() ? &m_tree.files[t] : nullptr;
      int cmp = !f ? 1 : !e ? -1 : std::string_view(f->path).compare(e->path);
      if (cmp < 0) {
        deleted(*f);
        ++t;
      } else if (cmp > 0) {
        added(*e);
        e = next_entry();
      } else {
        compare(*f, *e);
        ++t;
        e = next_entry();
      }
    }
    return std::move(m_out);
  }

 private:
  // The next index entry outside the skipped subtrees; null at the end.
  const IndexEntry* next_entry() {
    const auto& entries = m_index.entries;
    const auto& skipped = m_tree.skipped;
    for (; m_i < entries.size(); ++m_i) {
      const IndexEntry& e = entries[m_i];
      if (m_i > 0 && !(entries[m_i - 1].path < e.path)) throw Unsupported("index out of order");
      if (e.stage != 0) throw Unsupported("unmerged entries in the index");
      while (m_k < skipped.size() && skipped[m_k] < e.path && e.path.rfind(skipped[m_k], 0) != 0)
        ++m_k;
      if (m_k < skipped.size() && e.path.substr(0, skipped[m_k].size()) == skipped[m_k]) continue;
      if (!known_file_mode(e.mode)) throw Unsupported("index entry with an unusual mode");
      return &entries[m_i++];
    }
    return nullptr;
  }

  void deleted(const TreeFile& f) {
    if (f.mode == k_gitlink) throw Unsupported("a submodule changes");
    m_out.push_back(StagedChange{f.path, 'D', std::nullopt});
  }

  void added(const IndexEntry& e) {
    if (e.mode == k_gitlink) throw Unsupported("a submodule changes");
    StagedChange change{std::string(e.path), 'A', std::nullopt};
    if (e.mode == k_link) change.symlink_target = link_target(e);
    m_out.push_back(std::move(change));
  }

  void compare(const TreeFile& f, const IndexEntry& e) {
    if (f.mode == e.mode && same_id(f.id, e.id)) return;
    if (f.mode == k_gitlink || e.mode == k_gitlink) throw Unsupported("a submodule changes");
    if ((f.mode & k_type_mask) != (e.mode & k_type_mask)) {  // libgit2 splits a type change
      deleted(f);
      added(e);
      return;
    }
    StagedChange change{f.path, 'M', std::nullopt};
    if (e.mode == k_link) change.symlink_target = link_target(e);
    m_out.push_back(std::move(change));
  }

  std::string link_target(const IndexEntry& e) {
    Oid id{};
    std::memcpy(id.data(), e.id.id, 20);
    Object blob = m_db.read(id);
    if (blob.type != ObjectType::blob) throw Unsupported("a symlink that is not a blob");
    return std::move(blob.data);
  }

  ObjectReader& m_db;
  const TreeWalk& m_tree;
  const IndexSnapshot& m_index;
  size_t m_i = 0, m_k = 0;
  std::vector<StagedChange> m_out;
};

StagedChanges read_staged() {
  const RepoLayout layout = layout_from_env();
  const HeadState head = read_head(layout);
  IndexSnapshot index;
  if (!read_index_file(layout.index_file, index)) {
    throw Unsupported("index not readable here (split, sparse or corrupt)");
  }
  if (index.version == 4) throw Unsupported("index version 4");
  StagedChanges out;
  out.git_dir = layout.git_dir;
  out.workspace_root = layout.workdir;
  out.main_root = layout.main_root;
  out.branch = head.branch;

  ObjectReader db(layout.common_dir / "objects");
  TreeWalk tree{db, {}, {}};
  if (head.commit) {
    const Oid root = tree_of_commit(db, *head.commit);
    const CacheNode* cache = index.tree.get();
    if (cache && cache->entry_count >= 0 && same_id(root, cache->oid)) {
      for (const auto& e : index.entries) {
        if (e.stage != 0) throw Unsupported("unmerged entries in the index");
      }
      return out;  // the cached tree proves the index is HEAD: nothing staged
    }
    tree.walk(root, "", cache);
  }
  out.changes = Merge(db, tree, index).run();
  return out;
}

}  // namespace

std::optional<StagedChanges> staged_changes_fast(std::string* why) {
  try {
    return read_staged();
  } catch (const std::exception& e) {  // Unsupported, and anything else: no answer, no guess
    if (why) *why = e.what();
    return std::nullopt;
  }
}

}  // namespace factory::vcs
