#include <doctest/doctest.h>

#include <string>

#include "rollout/murmur3.hpp"

using factory::rollout::murmur3_x86_32;
using namespace std::string_literals;

// Vectors of the reference MurmurHash3_x86_32 (SMHasher), each checked against an independent
// Python implementation (tests/e2e/fixtures/flagd_bucket.py), not against this code.
TEST_CASE("murmur3_x86_32 matches the reference vectors, every tail length and seed") {
  CHECK(murmur3_x86_32("", 0) == 0u);
  CHECK(murmur3_x86_32("", 1) == 0x514E28B7u);
  CHECK(murmur3_x86_32("", 0xffffffff) == 0x81F16F39u);
  CHECK(murmur3_x86_32("\0\0\0\0"s, 0) == 0x2362F9DEu);
  CHECK(murmur3_x86_32("\xff\xff\xff\xff", 0) == 0x76293B50u);
  CHECK(murmur3_x86_32("\x21\x43\x65\x87", 0) == 0xF55B516Bu);
  CHECK(murmur3_x86_32("\x21\x43\x65", 0) == 0x7E4A8634u);
  CHECK(murmur3_x86_32("\x21\x43", 0) == 0xA0F7B07Au);
  CHECK(murmur3_x86_32("\x21", 0) == 0x72661CF4u);
  CHECK(murmur3_x86_32("aaaa", 0x9747b28c) == 0x5A97808Au);
  CHECK(murmur3_x86_32("aaa", 0x9747b28c) == 0x283E0130u);
  CHECK(murmur3_x86_32("aa", 0x9747b28c) == 0x5D211726u);
  CHECK(murmur3_x86_32("a", 0x9747b28c) == 0x7FA09EA6u);
  CHECK(murmur3_x86_32("abcd", 0x9747b28c) == 0xF0478627u);
  CHECK(murmur3_x86_32("Hello, world!", 0x9747b28c) == 0x24884CBAu);
  CHECK(murmur3_x86_32("The quick brown fox jumps over the lazy dog", 0x9747b28c) == 0x2FA826CDu);
  CHECK(murmur3_x86_32("hello") == 0x248bfa47u);
  CHECK(murmur3_x86_32("Hello, world!") == 0xc0363e43u);
}

TEST_CASE("murmur3_x86_32 hashes UTF-8 bytes, high bytes unsigned") {
  CHECK(murmur3_x86_32("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == 0x295a8444u);  // "é€😀"
  CHECK(murmur3_x86_32("batch-uploadalice@example.com") == 0x1ecaf35du);
}

// flagd's conformance suite (flagd-testbed, targeting.feature) picks these keys because their
// hashes sit on the edges of the 32-bit range and of its halves.
TEST_CASE("murmur3_x86_32 of flagd's hash edge-case keys") {
  CHECK(murmur3_x86_32("ejOoVL") == 0u);
  CHECK(murmur3_x86_32("bY9fO-") == 1u);
  CHECK(murmur3_x86_32("SI7p-") == 2147483647u);
  CHECK(murmur3_x86_32("6LvT0") == 2147483648u);
  CHECK(murmur3_x86_32("ceQdGm") == 4294967295u);
}
