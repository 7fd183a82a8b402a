#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

#include "report/audit_format.hpp"

// The times of `factory audit`: --since as typed, and the UTC form of --json. A duration here
// reaches back weeks, so it is parsed apart from core::parse_duration, which bounds timeouts at
// 24 h.
namespace factory::report {

namespace {

constexpr int64_t k_minute_ms = 60'000;

// Reads exactly `digits` decimal digits at `pos`; advances past them.
std::optional<int> fixed_number(std::string_view text, size_t& pos, size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// "90m", "2h", "3d", "1w" (a decimal number allowed): how far back, in ms.
std::optional<int64_t> duration_back(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || !std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  double per_unit = 0;
  if (unit == "s") per_unit = 1000;
  if (unit == "m") per_unit = k_minute_ms;
  if (unit == "h") per_unit = 60 * k_minute_ms;
  if (unit == "d") per_unit = 24 * 60 * k_minute_ms;
  if (unit == "w") per_unit = 7 * 24 * 60 * k_minute_ms;
  // A bare number is refused: seconds or days would both be a guess.
  if (per_unit == 0 || value * per_unit > 1e15) return std::nullopt;
  return static_cast<int64_t>(value * per_unit);
}

// "Z", "+02:00", "-0530": minutes east of UTC; nullopt when malformed.
std::optional<int> utc_offset(std::string_view text, size_t& pos) {
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) return 0;
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
  const int sign = text[pos++] == '-' ? -1 : 1;
  auto hours = fixed_number(text, pos, 2);
  expect(text, pos, ':');
  auto minutes = fixed_number(text, pos, 2);
  if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  return sign * (*hours * 60 + *minutes);
}

// "2026-11-22", "2026-11-22T14:00", "2026-11-22 14:00:30", each optionally with an offset.
std::optional<int64_t> date_time(std::string_view text) {
  size_t pos = 0;
  std::tm tm{};
  int64_t millis = 0;
  auto year = fixed_number(text, pos, 4);
  bool ok = year && expect(text, pos, '-');
  auto month = fixed_number(text, pos, 2);
  ok = ok && month && expect(text, pos, '-');
  auto day = fixed_number(text, pos, 2);
  if (!ok || !day || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    ++pos;
    auto hour = fixed_number(text, pos, 2);
    auto minute = expect(text, pos, ':') ? fixed_number(text, pos, 2) : std::nullopt;
    if (!hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    if (expect(text, pos, ':')) {
      auto second = fixed_number(text, pos, 2);
      if (!second || *second > 59) return std::nullopt;
      tm.tm_sec = *second;
      // ".123": the form `audit --json` prints its times in, so they can be pasted back
      if (expect(text, pos, '.')) {
        const size_t first = pos;
        for (int scale = 100;
             pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]));
             scale /= 10) {
          if (scale > 0) millis += (text[pos] - '0') * scale;
          ++pos;
        }
        if (pos == first || pos - first > 9) return std::nullopt;
      }
    }
  }
  std::optional<int> offset;
  if (pos < text.size()) {
    offset = utc_offset(text, pos);
    if (!offset || pos != text.size()) return std::nullopt;
  }
  const std::tm asked = tm;
  tm.tm_isdst = -1;
  std::time_t seconds = offset ? timegm(&tm) - static_cast<std::time_t>(*offset) * 60 : mktime(&tm);
  // mktime/timegm normalise 2026-02-30 to March: a date that moved did not exist.
  if (seconds == -1 || tm.tm_mday != asked.tm_mday || tm.tm_mon != asked.tm_mon) {
    return std::nullopt;
  }
  return static_cast<int64_t>(seconds) * 1000 + millis;
}

}  // namespace

std::optional<int64_t> parse_since(std::string_view text, int64_t now_ms) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.size() >= 10 && text[4] == '-') return date_time(text);
  if (auto back = duration_back(text)) return now_ms - *back;
  return std::nullopt;
}

std::string iso_utc(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, epoch_ms % 1000);
}

}  // namespace factory::report
