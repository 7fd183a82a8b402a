#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace factory::core {

// Parses "90s", "5m", "1h", "250ms" or a plain number of seconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace factory::core
