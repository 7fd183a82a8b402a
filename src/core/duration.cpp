#include "core/duration.hpp"

#include <charconv>
#include <cmath>

namespace factory::core {

std::optional<double> duration_in_ms(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || std::isnan(value) || value < 0) {
    return std::nullopt;
  }
  std::string_view unit(end, text.data() + text.size() - end);
  if (unit.empty() || unit == "s") return value * 1000;
  if (unit == "ms") return value;
  if (unit == "m") return value * 60'000;
  if (unit == "h") return value * 3'600'000;
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto ms = duration_in_ms(text);
  if (!ms || *ms > static_cast<double>(k_max_duration.count())) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(*ms));
}

}  // namespace factory::core
