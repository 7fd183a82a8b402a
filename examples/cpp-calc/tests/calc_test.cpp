#include "calc.hpp"

#include <cstdio>

// A dependency-free test runner: every failed check is printed, the exit code is the failure count.
namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  check(calc::add(2, 3) == 5, "add(2, 3) == 5");
  check(calc::sub(5, 3) == 2, "sub(5, 3) == 2");
  std::printf("%s\n", failures == 0 ? "all tests passed" : "tests failed");
  return failures;
}
