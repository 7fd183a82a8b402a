#!/usr/bin/env bats
# C++ (CMake + ctest) end to end on examples/cpp-calc.

load helpers
load story

SAMPLE=cpp-calc
LANG_NAME=cmake
MARKER=CMakeLists.txt
BREAK_MODIFIED=src/calc.cpp
BREAK_NEW=src/double.cpp
TDD_TEST_FILE=tests/calc_test.cpp
GATE_STAGE=lint

setup() {
  command -v cmake >/dev/null || skip "cmake not installed"
  command -v ctest >/dev/null || skip "ctest not installed"
  story_setup
}

# Declares and defines mul; $2 is its body's expression.
add_mul() {
  sed -i 's|^int sub(int a, int b);|int sub(int a, int b);\n\n// Returns a times b.\nint mul(int a, int b);|' "$1/src/calc.hpp"
  sed -i "s|^int sub(int a, int b) { return a - b; }|int sub(int a, int b) { return a - b; }\n\nint mul(int a, int b) { return $2; }|" "$1/src/calc.cpp"
  sed -i 's|^  check(calc::sub(5, 3) == 2, "sub(5, 3) == 2");|&\n  check(calc::mul(4, 3) == 12, "mul(4, 3) == 12");|' "$1/tests/calc_test.cpp"
}

lang_green_change() { add_mul "$1" 'a * b'; }

lang_break() {
  sed -i 's/return a - b;/return a + b;/' "$1/src/calc.cpp"
  printf 'int twice(int x) { return 2 * x; }\n' >"$1/src/double.cpp"
}

lang_red_test() { add_mul "$1" 'a + b'; }

lang_gate_violation() {
  sed -i 's/int add(int a, int b) { return a + b; }/int add(int a,int b){return a+b;}/' "$1/src/calc.cpp"
}

@test "cpp: init detects cpp" { story_init_detects; }
@test "cpp: a green run commits once and leaves no byproducts" { story_green_run_commits_once; }
@test "cpp: a red unit-test reverts a modified and a new file and prints both" { story_red_reverts; }
@test "cpp: tdd-setup passes on red and commits only the test file" { story_tdd_red; }
@test "cpp: unrevert (task inferred in the workspace) restores the discarded change" { story_unrevert; }
@test "cpp: a clang-format violation is red at lint and reverted" {
  command -v clang-format >/dev/null || skip "clang-format not installed"
  story_gate_red
}
