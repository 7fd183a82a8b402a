#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "config/pattern.hpp"

using factory::config::Pattern;
using factory::config::pattern_error;

TEST_CASE("patterns search anywhere, with ^ and $ at line ends") {
  CHECK(Pattern("^hello, world$").search("first line\nhello, world\nlast"));
  CHECK_FALSE(Pattern("^hello$").search("say hello\n"));
  CHECK(Pattern(R"(\d+ passed)").search("3 passed, 0 failed"));
  CHECK(Pattern("héllo").search("un héllo"));
}

TEST_CASE("a bad pattern says what and where") {
  auto problem = pattern_error("(unclosed");
  REQUIRE(problem);
  CHECK(problem->find("offset 9") != std::string::npos);
  CHECK_FALSE(pattern_error("fine|good"));
  CHECK_THROWS_AS(Pattern("a[b"), std::invalid_argument);
}

TEST_CASE("a pathological pattern on a huge input is an error, not a crash") {
  std::string huge(300'000, 'a');
  // Matches (PCRE2 does not recurse on the C++ stack)...
  CHECK(Pattern("^(a|b)*$").search(huge));
  // ...and a catastrophic backtrack stops at the match limit with an error.
  CHECK_THROWS_AS(Pattern("^(a|a)+$").search(std::string(40, 'a') + "b"), std::runtime_error);
}

TEST_CASE("bytes that are not UTF-8 do not stop a search") {
  CHECK(Pattern("ok").search(std::string("\xff\xfe ok")));
}
