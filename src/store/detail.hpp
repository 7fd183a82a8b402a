#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"

namespace SQLite {
class Database;
}

namespace factory::store::detail {

// The usage error for an unknown task id.
core::Error no_such_task(const std::string& id);

// The caller-pinned time when set, else the clock's: rows may carry their own timestamp.
inline int64_t pinned_or(int64_t pinned, int64_t now) {
  return pinned != 0 ? pinned : now;
}

}  // namespace factory::store::detail
