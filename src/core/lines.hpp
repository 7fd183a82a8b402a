#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace factory::core {

// Calls fn(line number from 1, the line without its '\n' or a trailing '\r') for each line of
// `text`; a last line without a newline counts, an empty text has no lines.
void for_each_line(std::string_view text, const std::function<void(int, std::string_view)>& fn);

// The lines of `text` as views into it, by the rules of for_each_line.
std::vector<std::string_view> split_lines(std::string_view text);

// `text` without leading and trailing blanks (space, tab, CR, LF); a copy, so it may come from a
// temporary.
std::string trimmed(std::string_view text);

}  // namespace factory::core
