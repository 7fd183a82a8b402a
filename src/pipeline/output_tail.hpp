#pragma once

#include <string>
#include <string_view>

namespace factory::pipeline {

// How many lines of a failed stage's output are shown.
inline constexpr size_t k_tail_lines = 15;

// The last `count` lines of `text`.
std::string last_lines(std::string_view text, size_t count);

// The first line of `text`.
std::string first_line(std::string_view text);

}  // namespace factory::pipeline
