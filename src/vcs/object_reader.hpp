#pragma once

// A small reader for a SHA-1 git object database (loose objects and packs), without libgit2, for
// the pre-commit fast path. Anything it does not handle throws Unsupported: the caller then
// falls back to libgit2 rather than guess.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace factory::vcs {

namespace fs = std::filesystem;

// "This reader cannot answer for this repository": never a wrong answer, a fallback instead.
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A SHA-1 object id.
using Oid = std::array<unsigned char, 20>;

// The id from 40 hex digits; throws Unsupported on anything else.
Oid oid_from_hex(std::string_view hex);

// The 40-hex-digit spelling of an id.
std::string oid_to_hex(const Oid& oid);

// The object types of git's object database (the pack type numbers).
enum class ObjectType { none = 0, commit = 1, tree = 2, blob = 3, tag = 4 };

// One object, inflated and (for packed deltas) resolved.
struct Object {
  ObjectType type = ObjectType::none;
  std::string data;
};

// Inflates a zlib stream of exactly `size` bytes from `in` (at most `in_size` bytes are read).
// Throws Unsupported when the stream is corrupt or its length differs.
std::string inflate_exact(const unsigned char* in, size_t in_size, size_t size);

// Inflates a whole zlib stream whose inflated size is unknown (a loose object).
std::string inflate_all(const unsigned char* in, size_t in_size);

class PackFile;

// Reads objects from `<objects dir>`: loose ones first, then every pack in pack/.
class ObjectReader {
 public:
  // Throws Unsupported when the database has alternates (objects/info/alternates).
  explicit ObjectReader(fs::path objects_dir);
  ~ObjectReader();
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  // The object; throws Unsupported when it is missing or cannot be read.
  Object read(const Oid& id);

 private:
  bool read_loose(const Oid& id, Object& out) const;
  void open_packs();

  fs::path m_dir;
  bool m_packs_open = false;
  std::vector<std::unique_ptr<PackFile>> m_packs;
};

// One pack file with its version-2 index, memory-mapped.
class PackFile {
 public:
  // Maps `idx` and its .pack; throws Unsupported when either is not what this reader knows.
  explicit PackFile(const fs::path& idx);
  ~PackFile();
  PackFile(const PackFile&) = delete;
  PackFile& operator=(const PackFile&) = delete;

  // The offset of `id` in the pack, or -1 when this pack does not hold it.
  int64_t find(const Oid& id) const;

  // The object at `offset`, its delta chain resolved (REF_DELTA bases through `db`).
  Object read_at(uint64_t offset, ObjectReader& db, int depth = 0) const;

 private:
  struct Map {
    const unsigned char* data = nullptr;
    size_t size = 0;
  };
  static Map map_file(const fs::path& file);

  Map m_idx, m_pack;
  uint32_t m_count = 0;
};

// Applies a git delta to `base`; throws Unsupported when the delta is malformed.
std::string apply_delta(std::string_view base, std::string_view delta);

}  // namespace factory::vcs
