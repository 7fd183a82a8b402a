// Loose objects and the dispatch between loose objects and packs. See pack_reader.cpp for packs.
#include "vcs/object_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace factory::vcs {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The whole file, or false when it does not exist; Unsupported when it cannot be read.
bool slurp(const fs::path& file, std::string& out) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw Unsupported("cannot open " + file.string());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Unsupported("cannot stat " + file.string());
  }
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != out.size()) throw Unsupported("short read of " + file.string());
  return true;
}

ObjectType type_named(std::string_view name) {
  if (name == "commit") return ObjectType::commit;
  if (name == "tree") return ObjectType::tree;
  if (name == "blob") return ObjectType::blob;
  if (name == "tag") return ObjectType::tag;
  return ObjectType::none;
}

}  // namespace

Oid oid_from_hex(std::string_view hex) {
  if (hex.size() != 40) throw Unsupported("not a SHA-1 object id: " + std::string(hex));
  Oid id{};
  for (size_t i = 0; i < 20; ++i) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw Unsupported("not a SHA-1 object id: " + std::string(hex));
    id[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return id;
}

std::string oid_to_hex(const Oid& oid) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(40, '0');
  for (size_t i = 0; i < 20; ++i) {
    out[2 * i] = k_digits[oid[i] >> 4];
    out[2 * i + 1] = k_digits[oid[i] & 15];
  }
  return out;
}

std::string inflate_exact(const unsigned char* in, size_t in_size, size_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw Unsupported("zlib cannot start");
  z.next_in = const_cast<unsigned char*>(in);
  z.avail_in = static_cast<uInt>(std::min<size_t>(in_size, UINT32_MAX));
  z.next_out = reinterpret_cast<unsigned char*>(out.data());
  z.avail_out = static_cast<uInt>(size);
  // A zero-length output still needs one call to consume the stream's end.
  unsigned char spare = 0;
  if (size == 0) {
    z.next_out = &spare;
    z.avail_out = 1;
  }
  int rc = inflate(&z, Z_FINISH);
  size_t produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != size) throw Unsupported("corrupt compressed object");
  return out;
}

std::string inflate_all(const unsigned char* in, size_t in_size) {
  std::string out;
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw Unsupported("zlib cannot start");
  z.next_in = const_cast<unsigned char*>(in);
  z.avail_in = static_cast<uInt>(std::min<size_t>(in_size, UINT32_MAX));
  int rc = Z_OK;
  while (rc == Z_OK) {
    size_t have = out.size();
    out.resize(have + std::max<size_t>(4096, have));
    z.next_out = reinterpret_cast<unsigned char*>(out.data() + have);
    z.avail_out = static_cast<uInt>(out.size() - have);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) throw Unsupported("corrupt loose object");
  return out;
}

ObjectReader::ObjectReader(fs::path objects_dir) : m_dir(std::move(objects_dir)) {
  std::error_code ec;
  // Objects borrowed from another repository: libgit2 follows them, this reader does not.
  if (fs::exists(m_dir / "info" / "alternates", ec) || ec) {
    throw Unsupported("the object database has alternates");
  }
}

ObjectReader::~ObjectReader() = default;

bool ObjectReader::read_loose(const Oid& id, Object& out) const {
  const std::string hex = oid_to_hex(id);
  std::string raw;
  if (!slurp(m_dir / hex.substr(0, 2) / hex.substr(2), raw)) return false;
  std::string all = inflate_all(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  size_t space = all.find(' ');
  size_t nul = all.find('\0');
  if (space == std::string::npos || nul == std::string::npos || space > nul) {
    throw Unsupported("corrupt loose object " + hex);
  }
  out.type = type_named(std::string_view(all).substr(0, space));
  const std::string size_text = all.substr(space + 1, nul - space - 1);
  if (out.type == ObjectType::none || size_text.empty() ||
      size_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoull(size_text) != all.size() - nul - 1) {
    throw Unsupported("corrupt loose object " + hex);
  }
  out.data = all.substr(nul + 1);
  return true;
}

void ObjectReader::open_packs() {
  m_packs_open = true;
  std::error_code ec;
  std::vector<fs::path> indexes;
  for (const auto& entry : fs::directory_iterator(m_dir / "pack", ec)) {
    if (entry.path().extension() == ".idx") indexes.push_back(entry.path());
  }
  // Newest first would be git's order; any order gives the same objects.
  std::sort(indexes.begin(), indexes.end());
  for (const auto& idx : indexes) m_packs.push_back(std::make_unique<PackFile>(idx));
}

Object ObjectReader::read(const Oid& id) {
  // Packs first, as git does: after a gc nearly everything is there.
  if (!m_packs_open) open_packs();
  for (const auto& pack : m_packs) {
    int64_t offset = pack->find(id);
    if (offset >= 0) return pack->read_at(static_cast<uint64_t>(offset), *this);
  }
  Object out;
  if (read_loose(id, out)) return out;
  throw Unsupported("object " + oid_to_hex(id) + " is missing");
}

}  // namespace factory::vcs
