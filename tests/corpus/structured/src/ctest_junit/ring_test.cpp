#include <gtest/gtest.h>

static int next_slot(int slot, int size) { return slot + 1; }

TEST(Ring, StartsAtZero) {
  EXPECT_EQ(next_slot(-1, 4), 0);
}

TEST(Ring, WrapsAround) {
  EXPECT_EQ(next_slot(3, 4), 0);
}
