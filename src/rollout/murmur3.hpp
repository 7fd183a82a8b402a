#pragma once

#include <cstdint>
#include <string_view>

namespace factory::rollout {

// MurmurHash3_x86_32 of the bytes of `data` (blocks read little-endian, whatever the host), the
// hash flagd's `fractional` operation buckets with (seed 0).
uint32_t murmur3_x86_32(std::string_view data, uint32_t seed = 0);

}  // namespace factory::rollout
