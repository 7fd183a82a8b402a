#include "cli/prompt.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "core/error.hpp"
#include "proc/interrupt.hpp"

namespace factory::cli {

namespace {

core::Error cancelled(const std::string& why) {
  return core::Error(core::ExitCode::interrupted,
                     fmt::format("{} at the prompt: nothing recorded", why),
                     "run the command again to decide");
}

}  // namespace

bool stdin_is_tty() {
  return isatty(STDIN_FILENO) == 1;
}

bool confirm(const std::string& question) {
  fmt::print(stderr, "{} [y/N] ", question);
  std::fflush(stderr);
  // read() one byte at a time, not a buffered stream: the interrupt handler has no SA_RESTART,
  // so Ctrl-C ends the read with EINTR and is told apart from an answer.
  std::string answer;
  while (true) {
    char c = 0;
    ssize_t n = read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) {
      if (proc::interrupt_requested()) {
        fmt::print(stderr, "\n");
        throw cancelled("interrupted");
      }
      continue;
    }
    if (n <= 0) {
      fmt::print(stderr, "\n");
      throw cancelled("no answer (end of input)");
    }
    if (c == '\n') break;
    answer.push_back(c);
  }
  answer.erase(
      std::remove_if(answer.begin(), answer.end(), [](unsigned char c) { return std::isspace(c); }),
      answer.end());
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

}  // namespace factory::cli
