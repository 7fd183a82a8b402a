#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace factory::store::testing {

// A clock the test moves by hand.
class FakeClock : public core::Clock {
 public:
  int64_t now_ms() const override { return m_now; }
  void advance(int64_t ms) { m_now += ms; }

 private:
  int64_t m_now = 1'700'000'000'000;
};

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/factory-store-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(m_path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// A task as `factory new` would create it.
inline TaskRow sample_task(const std::string& id) {
  TaskRow task;
  task.id = id;
  task.lang = "python";
  task.workspace = "/tmp/repo.factory/" + id;
  task.branch = "factory/" + id;
  task.base_commit = "0123456789abcdef0123456789abcdef01234567";
  task.backend = "git";
  return task;
}

inline nlohmann::json payload_of(const EventRow& event) {
  return nlohmann::json::parse(event.payload);
}

}  // namespace factory::store::testing
