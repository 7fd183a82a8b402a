#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/stage.hpp"

namespace factory::report {

// Colors used for results; each maps to one ANSI color.
enum class Tone { plain, good, bad, muted, warn, strong };

// Whether to color a stream: only on a TTY and never with NO_COLOR set (https://no-color.org).
bool color_enabled(std::FILE* stream);

// Wraps text in the tone's color when `color` is on.
std::string paint(std::string_view text, Tone tone, bool color);

// "[3/10]  unit-test   ": a stage's position and name, padded so columns line up.
std::string stage_label(core::Stage stage);

// "1.2s", "350ms", "2m03s".
std::string format_duration(long long ms);

// A local timestamp "2026-11-22 14:20" for event times in ms since the epoch.
std::string format_time(long long epoch_ms);

}  // namespace factory::report
