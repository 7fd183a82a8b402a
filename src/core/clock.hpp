#pragma once

#include <chrono>
#include <cstdint>

namespace factory::core {

// Wall-clock time, behind a seam so tests can pin it.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() const = 0;
};

// The real clock.
class SystemClock : public Clock {
 public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace factory::core
