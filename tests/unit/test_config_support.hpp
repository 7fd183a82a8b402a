#pragma once

#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"

namespace factory::config::testing {

// What a usage Error said.
struct Problem {
  std::string message;
  std::string hint;
};

// The usage Error (with a hint) that `parse()` raises for `text`; fails the test when none.
template <typename Parse>
Problem usage_problem(Parse&& parse, const std::string& text) {
  try {
    parse();
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ExitCode::usage);
    CHECK_FALSE(e.hint().empty());
    return {e.what(), e.hint()};
  }
  FAIL("expected an error for:\n" << text);
  return {};
}

}  // namespace factory::config::testing
