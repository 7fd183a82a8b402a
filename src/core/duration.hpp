#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace factory::core {

// The longest duration factory accepts: a longer timeout is a mistake, and a much longer one
// would overflow.
inline constexpr std::chrono::milliseconds k_max_duration = std::chrono::hours(24);

// "90s", "5m", "1h", "250ms" or a plain number of seconds, in milliseconds, unbounded and as a
// double so that a huge value can be compared instead of overflowing; nullopt when malformed,
// negative or NaN.
std::optional<double> duration_in_ms(std::string_view text);

// The same as a duration; nullopt when malformed or longer than k_max_duration.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace factory::core
