#include "rollout/murmur3.hpp"

#include <bit>

namespace factory::rollout {

namespace {

constexpr uint32_t k_c1 = 0xcc9e2d51;
constexpr uint32_t k_c2 = 0x1b873593;

uint32_t mix_block(uint32_t k) {
  k *= k_c1;
  k = std::rotl(k, 15);
  return k * k_c2;
}

// The finalizer: forces every input bit to affect every output bit.
uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

// Byte i of `data` as an unsigned value (char may be signed).
uint32_t byte_at(std::string_view data, size_t i) {
  return static_cast<unsigned char>(data[i]);
}

}  // namespace

uint32_t murmur3_x86_32(std::string_view data, uint32_t seed) {
  uint32_t h = seed;
  const size_t blocks = data.size() / 4;
  for (size_t b = 0; b < blocks; ++b) {
    const size_t i = b * 4;
    // Assembled byte by byte: little-endian on any host, and no unaligned load.
    uint32_t k = byte_at(data, i) | byte_at(data, i + 1) << 8 | byte_at(data, i + 2) << 16 |
                 byte_at(data, i + 3) << 24;
    h ^= mix_block(k);
    h = std::rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const size_t tail = blocks * 4;
  uint32_t k = 0;
  switch (data.size() & 3) {
    case 3:
      k ^= byte_at(data, tail + 2) << 16;
      [[fallthrough]];
    case 2:
      k ^= byte_at(data, tail + 1) << 8;
      [[fallthrough]];
    case 1:
      k ^= byte_at(data, tail);
      h ^= mix_block(k);
  }
  // The length is mixed in modulo 2^32, as the reference implementation does.
  h ^= static_cast<uint32_t>(data.size());
  return fmix32(h);
}

}  // namespace factory::rollout
