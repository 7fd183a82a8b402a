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

core::Error cancelled(core::ExitCode code, const std::string& why) {
  return core::Error(code, fmt::format("{} at the prompt: nothing recorded", why),
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
        throw cancelled(core::ExitCode::interrupted, "interrupted");
      }
      continue;
    }
    if (n <= 0) {  // Ctrl-D: no answer is a no, not an interrupt
      fmt::print(stderr, "\n");
      throw cancelled(core::ExitCode::blocked, "no answer (end of input)");
    }
    if (c == '\n') break;
    answer.push_back(c);
  }
  // Only the ends are trimmed: "y es" is not an answer.
  auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  answer.erase(std::find_if_not(answer.rbegin(), answer.rend(), is_space).base(), answer.end());
  answer.erase(answer.begin(), std::find_if_not(answer.begin(), answer.end(), is_space));
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

}  // namespace factory::cli
