#include "report/screen.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "report/style.hpp"

namespace factory::report {

namespace {
int terminal_width(std::FILE* stream) {
  int fd = fileno(stream);
  if (isatty(fd) == 0) return k_default_width;
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  // A TTY that does not say its size (some CI pseudo-terminals): the shell may know.
  if (const char* columns = std::getenv("COLUMNS")) {
    int n = std::atoi(columns);
    if (n > 0) return n;
  }
  return k_default_width;
}
}  // namespace

Style Style::for_stdout() {
  return {color_enabled(stdout), terminal_width(stdout)};
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // continuation bytes add nothing
  }
  return width;
}

}  // namespace factory::report
