#pragma once

#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"

namespace factory::testing {

// The message of the usage core::Error that `fn` throws, after checking that the error carries a
// hint (bad input always gets one); fails the test when `fn` throws nothing.
template <class Fn>
std::string usage_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ExitCode::usage);
    CHECK_FALSE(e.hint().empty());
    return e.what();
  }
  FAIL("expected a usage error");
  return {};
}

}  // namespace factory::testing
