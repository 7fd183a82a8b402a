// Packed objects: a version-2 pack index lookup (fanout table, then a binary search), the entry
// header, zlib, and OFS_DELTA / REF_DELTA resolution. Formats: gitformat-pack(5).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "vcs/object_reader.hpp"

namespace factory::vcs {

namespace {

constexpr size_t k_fanout = 8;            // after the magic and the version
constexpr size_t k_names = 8 + 256 * 4;   // after the fanout table
constexpr int k_max_delta_depth = 10000;  // git itself refuses chains over 4095
constexpr int k_ofs_delta = 6;
constexpr int k_ref_delta = 7;

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Little-endian base-128 size, as in delta headers.
uint64_t delta_size(const unsigned char*& p, const unsigned char* end) {
  uint64_t value = 0;
  int shift = 0;
  while (true) {
    if (p >= end || shift > 56) throw Unsupported("malformed delta header");
    unsigned char c = *p++;
    value |= uint64_t{c & 0x7fu} << shift;
    shift += 7;
    if (!(c & 0x80)) return value;
  }
}

}  // namespace

PackFile::Map PackFile::map_file(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Unsupported("cannot open " + file.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    throw Unsupported("cannot read " + file.string());
  }
  Map map;
  map.size = static_cast<size_t>(st.st_size);
  void* p = ::mmap(nullptr, map.size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) throw Unsupported("cannot map " + file.string());
  map.data = static_cast<const unsigned char*>(p);
  return map;
}

PackFile::PackFile(const fs::path& idx) {
  m_idx = map_file(idx);
  const unsigned char* d = m_idx.data;
  if (m_idx.size < k_names + 40 || std::memcmp(d, "\377tOc", 4) != 0 || be32(d + 4) != 2) {
    throw Unsupported("pack index is not version 2: " + idx.string());
  }
  m_count = be32(d + k_fanout + 255 * 4);
  // names, CRCs and 4-byte offsets, then the trailer: large offsets may sit in between.
  if (m_idx.size < k_names + uint64_t{m_count} * 28 + 40) {
    throw Unsupported("truncated pack index: " + idx.string());
  }
  fs::path pack = idx;
  pack.replace_extension(".pack");
  m_pack = map_file(pack);
  const unsigned char* h = m_pack.data;
  if (m_pack.size < 32 || std::memcmp(h, "PACK", 4) != 0 ||
      (be32(h + 4) != 2 && be32(h + 4) != 3) || be32(h + 8) != m_count) {
    throw Unsupported("pack does not match its index: " + pack.string());
  }
}

PackFile::~PackFile() {
  if (m_idx.data) ::munmap(const_cast<unsigned char*>(m_idx.data), m_idx.size);
  if (m_pack.data) ::munmap(const_cast<unsigned char*>(m_pack.data), m_pack.size);
}

int64_t PackFile::find(const Oid& id) const {
  const unsigned char* fanout = m_idx.data + k_fanout;
  uint32_t lo = id[0] == 0 ? 0 : be32(fanout + (id[0] - 1) * 4);
  uint32_t hi = be32(fanout + id[0] * 4);
  if (hi > m_count || lo > hi) throw Unsupported("corrupt pack index fanout");
  const unsigned char* names = m_idx.data + k_names;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int cmp = std::memcmp(names + uint64_t{mid} * 20, id.data(), 20);
    if (cmp == 0) {
      const unsigned char* offsets = names + uint64_t{m_count} * 24;
      uint32_t off = be32(offsets + uint64_t{mid} * 4);
      if (!(off & 0x80000000u)) return off;
      // A pack over 2 GiB: the offset is an index into the 8-byte table that follows.
      const unsigned char* large =
          offsets + uint64_t{m_count} * 4 + uint64_t{off & 0x7fffffffu} * 8;
      if (large + 8 > m_idx.data + m_idx.size - 40) throw Unsupported("corrupt pack index");
      uint64_t value = (uint64_t{be32(large)} << 32) | be32(large + 4);
      if (value > INT64_MAX) throw Unsupported("corrupt pack index");
      return static_cast<int64_t>(value);
    }
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return -1;
}

Object PackFile::read_at(uint64_t offset, ObjectReader& db, int depth) const {
  if (depth > k_max_delta_depth) throw Unsupported("delta chain too long");
  const unsigned char* end = m_pack.data + m_pack.size - 20;  // the trailing checksum
  if (offset < 12 || offset >= m_pack.size - 20) throw Unsupported("pack offset out of range");
  const unsigned char* p = m_pack.data + offset;
  unsigned char c = *p++;
  int type = (c >> 4) & 7;
  uint64_t size = c & 15;
  int shift = 4;
  while (c & 0x80) {
    if (p >= end || shift > 57) throw Unsupported("corrupt pack entry header");
    c = *p++;
    size |= uint64_t{c & 0x7fu} << shift;
    shift += 7;
  }
  if (type >= 1 && type <= 4) {
    Object out;
    out.type = static_cast<ObjectType>(type);
    out.data = inflate_exact(p, static_cast<size_t>(end - p), size);
    return out;
  }
  Object base;
  if (type == k_ofs_delta) {
    if (p >= end) throw Unsupported("corrupt delta offset");
    c = *p++;
    uint64_t back = c & 127;
    while (c & 128) {
      if (p >= end || back > (UINT64_MAX >> 8)) throw Unsupported("corrupt delta offset");
      c = *p++;
      back = ((back + 1) << 7) | (c & 127);
    }
    if (back == 0 || back > offset) throw Unsupported("corrupt delta offset");
    base = read_at(offset - back, db, depth + 1);
  } else if (type == k_ref_delta) {
    if (end - p < 20) throw Unsupported("corrupt delta base");
    Oid base_id{};
    std::memcpy(base_id.data(), p, 20);
    p += 20;
    base = db.read(base_id);
  } else {
    throw Unsupported("unknown pack entry type");
  }
  const std::string delta = inflate_exact(p, static_cast<size_t>(end - p), size);
  base.data = apply_delta(base.data, delta);
  return base;
}

std::string apply_delta(std::string_view base, std::string_view delta) {
  auto p = reinterpret_cast<const unsigned char*>(delta.data());
  const unsigned char* end = p + delta.size();
  if (delta_size(p, end) != base.size()) throw Unsupported("delta does not fit its base");
  const uint64_t result_size = delta_size(p, end);
  std::string out;
  out.reserve(result_size);
  while (p < end) {
    unsigned char op = *p++;
    if (op & 0x80) {  // copy from the base: which bytes of offset and size follow is in op
      uint64_t off = 0, len = 0;
      for (int i = 0; i < 4; ++i) {
        if (!(op & (1 << i))) continue;
        if (p >= end) throw Unsupported("truncated delta");
        off |= uint64_t{*p++} << (8 * i);
      }
      for (int i = 0; i < 3; ++i) {
        if (!(op & (16 << i))) continue;
        if (p >= end) throw Unsupported("truncated delta");
        len |= uint64_t{*p++} << (8 * i);
      }
      if (len == 0) len = 0x10000;
      if (off + len > base.size()) throw Unsupported("delta copies past its base");
      out.append(base.substr(off, len));
    } else if (op != 0) {  // insert the next op bytes literally
      if (static_cast<size_t>(end - p) < op) throw Unsupported("truncated delta");
      out.append(reinterpret_cast<const char*>(p), op);
      p += op;
    } else {
      throw Unsupported("reserved delta opcode");
    }
    if (out.size() > result_size) throw Unsupported("delta overruns its result");
  }
  if (out.size() != result_size) throw Unsupported("delta result has the wrong size");
  return out;
}

}  // namespace factory::vcs
