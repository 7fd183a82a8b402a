#include "report/style.hpp"

#include <fmt/chrono.h>
#include <fmt/color.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

namespace factory::report {

bool color_enabled(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return isatty(fileno(stream)) != 0;
}

std::string paint(std::string_view text, Tone tone, bool color) {
  if (!color || tone == Tone::plain) return std::string(text);
  switch (tone) {
    case Tone::good:
      return fmt::format(fmt::fg(fmt::terminal_color::green), "{}", text);
    case Tone::bad:
      return fmt::format(fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold, "{}", text);
    case Tone::muted:
      return fmt::format(fmt::fg(fmt::terminal_color::bright_black), "{}", text);
    case Tone::warn:
      return fmt::format(fmt::fg(fmt::terminal_color::yellow), "{}", text);
    case Tone::strong:
      return fmt::format(fmt::emphasis::bold, "{}", text);
    case Tone::plain:
      break;
  }
  return std::string(text);
}

std::string stage_label(core::Stage stage) {
  return fmt::format("{:<7} {:<12}",
                     fmt::format("[{}/{}]", core::stage_number(stage), core::k_stage_count),
                     core::stage_name(stage));
}

std::string format_duration(long long ms) {
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  return fmt::format("{}m{:02}s", ms / 60'000, (ms / 1000) % 60);
}

std::string format_time(long long epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:%Y-%m-%d %H:%M}", local);
}

}  // namespace factory::report
