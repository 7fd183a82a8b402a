#include <doctest/doctest.h>

#include "core/duration.hpp"

using namespace factory::core;
using std::chrono::milliseconds;

TEST_CASE("durations accept units and plain seconds") {
  CHECK(parse_duration("90s") == milliseconds(90'000));
  CHECK(parse_duration("5m") == milliseconds(300'000));
  CHECK(parse_duration("1h") == milliseconds(3'600'000));
  CHECK(parse_duration("250ms") == milliseconds(250));
  CHECK(parse_duration("30") == milliseconds(30'000));
  CHECK(parse_duration("1.5s") == milliseconds(1'500));
}

TEST_CASE("malformed durations are rejected") {
  for (const char* bad : {"", "s", "5x", "-3s", "5 m", "m5", "5sec"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("durations are bounded: past 24 hours, and huge values, are rejected, never overflowed") {
  CHECK(parse_duration("24h") == std::chrono::hours(24));
  CHECK(parse_duration("86400") == std::chrono::hours(24));
  for (const char* too_long : {"86401", "1441m", "999999999999999h", "1e300", "inf", "nan"}) {
    CAPTURE(too_long);
    CHECK_FALSE(parse_duration(too_long).has_value());
  }
  CHECK(duration_in_ms("999999999999999h") > 1e18);  // the caller can tell "too long" apart
  CHECK_FALSE(duration_in_ms("nan").has_value());
}
