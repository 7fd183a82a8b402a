#pragma once

#include <string>

namespace factory::extract {

// Makes raw tool output matchable, in place: removes ANSI escape sequences (colours, cursor
// moves, OSC titles), turns CRLF into LF and a lone CR (progress bars) into a line break.
void clean_lines(std::string& text);

}  // namespace factory::extract
