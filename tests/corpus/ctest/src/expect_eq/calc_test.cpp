#include <gtest/gtest.h>

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a + b; }

TEST(Calc, Adds) {
    EXPECT_EQ(add(2, 3), 5);
}

TEST(Calc, Multiplies) {
    EXPECT_EQ(mul(2, 3), 6);
}
