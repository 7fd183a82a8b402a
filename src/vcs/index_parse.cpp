#include "vcs/index_parse.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace factory::vcs {

namespace {

constexpr size_t k_entry_header = 62;  // stat fields, object id, flags
constexpr size_t k_checksum = 20;

uint32_t be32(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

uint16_t be16(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}

// Git's offset varint, used by index version 4 for the length of the shared path prefix.
bool read_varint(const char*& p, const char* end, size_t& value) {
  if (p >= end) return false;
  unsigned char c = static_cast<unsigned char>(*p++);
  value = c & 127;
  while (c & 128) {
    if (p >= end) return false;
    c = static_cast<unsigned char>(*p++);
    value = ((value + 1) << 7) | (c & 127);
  }
  return true;
}

bool parse_tree(const char*& p, const char* end, CacheNode& node) {
  const char* nul = static_cast<const char*>(std::memchr(p, '\0', end - p));
  if (!nul) return false;
  node.name.assign(p, nul);
  p = nul + 1;
  char* after = nullptr;
  node.entry_count = static_cast<int>(std::strtol(p, &after, 10));
  if (after == p || *after != ' ') return false;
  p = after + 1;
  long subtrees = std::strtol(p, &after, 10);
  if (after == p || *after != '\n' || subtrees < 0) return false;
  p = after + 1;
  if (node.entry_count >= 0) {
    if (end - p < GIT_OID_RAWSZ) return false;
    std::memcpy(node.oid.id, p, GIT_OID_RAWSZ);
    p += GIT_OID_RAWSZ;
  }
  node.children.resize(static_cast<size_t>(subtrees));
  for (auto& child : node.children) {
    if (!parse_tree(p, end, child)) return false;
  }
  return true;
}

bool parse_extensions(const char* p, const char* end, IndexSnapshot& out) {
  while (end - p >= 8) {
    std::string_view sig(p, 4);
    uint32_t size = be32(p + 4);
    p += 8;
    if (static_cast<size_t>(end - p) < size) return false;
    if (sig == "TREE" && size > 0) {
      auto root = std::make_unique<CacheNode>();
      const char* q = p;
      if (parse_tree(q, p + size, *root)) out.tree = std::move(root);
    } else if (sig == "link" || sig == "sdir") {
      return false;  // split and sparse indexes keep entries elsewhere
    } else if (sig[0] < 'A' || sig[0] > 'Z') {
      return false;  // a required extension this reader does not know
    }
    p += size;
  }
  return p == end;
}

}  // namespace

bool read_index_file(const std::filesystem::path& path, IndexSnapshot& out) {
  out = IndexSnapshot{};
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::filesystem::exists(path) ? false : true;  // no index yet: empty
  in.seekg(0, std::ios::end);
  out.bytes.resize(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  in.read(out.bytes.data(), static_cast<std::streamsize>(out.bytes.size()));
  const char* p = out.bytes.data();
  const char* end = p + out.bytes.size();
  if (out.bytes.size() < 12 + k_checksum || std::memcmp(p, "DIRC", 4) != 0) return false;
  uint32_t version = be32(p + 4), count = be32(p + 8);
  if (version < 2 || version > 4) return false;
  out.version = version;
  end -= k_checksum;
  p += 12;
  out.entries.resize(count);
  if (version == 4) out.v4_paths.resize(count);
  std::string_view previous;
  for (uint32_t i = 0; i < count; ++i) {
    if (static_cast<size_t>(end - p) < k_entry_header) return false;
    IndexEntry& e = out.entries[i];
    uint32_t* fields[] = {&e.ctime_s, &e.ctime_ns, &e.mtime_s, &e.mtime_ns, &e.dev,
                          &e.ino,     &e.mode,     &e.uid,     &e.gid,      &e.size};
    for (size_t f = 0; f < 10; ++f) *fields[f] = be32(p + 4 * f);
    std::memcpy(e.id.id, p + 40, GIT_OID_RAWSZ);
    uint16_t flags = be16(p + 60);
    e.stage = (flags >> 12) & 3;
    const char* q = p + k_entry_header;
    if (flags & 0x4000) {  // extended flags (version 3+)
      if (end - q < 2) return false;
      e.skip_worktree = (be16(q) & 0x4000) != 0;
      q += 2;
    }
    if (version == 4) {
      size_t strip = 0;
      if (!read_varint(q, end, strip) || strip > previous.size()) return false;
      const char* nul = static_cast<const char*>(std::memchr(q, '\0', end - q));
      if (!nul) return false;
      auto& full = out.v4_paths[i];
      full.assign(previous.substr(0, previous.size() - strip));
      full.append(q, nul);
      e.path = full;
      p = nul + 1;
    } else {
      const char* nul = static_cast<const char*>(std::memchr(q, '\0', end - q));
      if (!nul) return false;
      e.path = std::string_view(q, static_cast<size_t>(nul - q));
      size_t len = static_cast<size_t>(q - p) + e.path.size();
      p += (len + 8) & ~size_t{7};  // padded with 1-8 NULs to a multiple of 8
      if (p > end) return false;
    }
    previous = e.path;
  }
  return parse_extensions(p, end, out);
}

}  // namespace factory::vcs
