#pragma once

#include <cstddef>
#include <string_view>

namespace factory::report {

// How to render for one output stream: whether to color and how wide the lines may be.
struct Style {
  bool color = false;
  int width = 100;  // columns

  // stdout: color only on a TTY and never with NO_COLOR; the terminal's width on a TTY,
  // else 100 so piped output does not depend on the terminal it came from.
  static Style for_stdout();
};

// The default width when the terminal's is unknown.
inline constexpr int k_default_width = 100;

// Columns `text` takes on a terminal: one per UTF-8 code point (so "✓" and "—" count one).
size_t display_width(std::string_view text);

}  // namespace factory::report
