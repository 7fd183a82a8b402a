#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/lines.hpp"

using factory::core::for_each_line;
using factory::core::split_lines;

TEST_CASE("lines are numbered from 1 and lose their newline and a CRLF's carriage return") {
  std::vector<std::string> seen;
  for_each_line("first\r\nsecond\n\nlast", [&](int number, std::string_view line) {
    seen.push_back(std::to_string(number) + ":" + std::string(line));
  });
  CHECK(seen == std::vector<std::string>{"1:first", "2:second", "3:", "4:last"});
}

TEST_CASE("a trailing newline does not make an extra empty line; an empty text has none") {
  CHECK(split_lines("a\nb\n").size() == 2);
  CHECK(split_lines("").empty());
  CHECK(split_lines("\n") == std::vector<std::string_view>{""});
}

TEST_CASE("only a carriage return right before the newline is dropped") {
  CHECK(split_lines("a\rb\r\n") == std::vector<std::string_view>{"a\rb"});
}

TEST_CASE("trimmed drops blanks at both ends only, and copies") {
  CHECK(factory::core::trimmed(" \t a b \r\n") == "a b");
  CHECK(factory::core::trimmed(" \n ").empty());
  CHECK(factory::core::trimmed(std::string("  x ")) == "x");  // from a temporary
}
