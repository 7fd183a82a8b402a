#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

static int clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? lo : v); }

TEST_CASE("clamp keeps values in range") {
    CHECK(clamp(5, 0, 10) == 5);
    CHECK(clamp(15, 0, 10) == 10);
    CHECK(clamp(-3, 0, 10) == 0);
}
