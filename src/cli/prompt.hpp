#pragma once

#include <string>

namespace factory::cli {

// Whether stdin is a terminal a person can answer at.
bool stdin_is_tty();

// Asks `question` on stderr and reads one line from stdin: true only for y/yes (any case).
// Ctrl-C or end of input at the prompt throws an interrupted Error: nothing was decided.
bool confirm(const std::string& question);

}  // namespace factory::cli
