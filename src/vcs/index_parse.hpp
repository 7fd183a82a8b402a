#pragma once

// The index file parser on its own: it uses libgit2's git_oid type but calls no libgit2
// function, so the libgit2-free pre-commit reader (staged_fast) can link it.
#include <git2/oid.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace factory::vcs {

// One entry of the index, as stored on disk.
struct IndexEntry {
  std::string_view path;  // points into the snapshot (or libgit2's index)
  uint32_t ctime_s = 0, ctime_ns = 0, mtime_s = 0, mtime_ns = 0;
  uint32_t dev = 0, ino = 0, mode = 0, uid = 0, gid = 0, size = 0;
  git_oid id{};
  int stage = 0;
  bool skip_worktree = false;
};

// A node of the index's cached tree (the TREE extension).
struct CacheNode {
  std::string name;
  int entry_count = -1;  // -1: invalidated, the oid is unknown
  git_oid oid{};
  std::vector<CacheNode> children;
};

// The index file read in one go. libgit2 builds a hash map and copies every entry when it
// loads an index; the scan needs only a sorted array, which is several times cheaper.
struct IndexSnapshot {
  std::string bytes;
  uint32_t version = 0;               // the file's format version (0: no index file)
  std::vector<std::string> v4_paths;  // version 4 paths are prefix-compressed on disk
  std::vector<IndexEntry> entries;    // sorted by path, as in the file
  std::unique_ptr<CacheNode> tree;    // null when the index has no cached tree
};

// Reads and parses `path` (index versions 2-4). False when the file uses something this reader
// does not handle (split or sparse index, corruption); callers then ask libgit2.
bool read_index_file(const std::filesystem::path& path, IndexSnapshot& out);

}  // namespace factory::vcs
