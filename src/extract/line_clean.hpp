#pragma once

#include <string>
#include <string_view>

namespace factory::extract {

// Makes raw tool output matchable, in place: removes ANSI escape sequences (colours, cursor
// moves, OSC titles), turns CRLF into LF and a lone CR (progress bars) into a line break.
void clean_lines(std::string& text);

// `text` without the spaces and tabs around it.
std::string_view trim(std::string_view text);

}  // namespace factory::extract
