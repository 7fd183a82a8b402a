#!/usr/bin/env bats
# Error extraction in the run output (issue 4, point 3): a red stage of a real project prints
# ROOT CAUSE with the file:line of the first real error (relative to the workspace), its context,
# what to do next and the full log; `factory status --json` carries the findings.

load helpers

setup() {
  e2e_setup
}

# line_of <file> <text>: the number of the first line of <file> containing <text>.
line_of() {
  grep -nF -- "$2" "$1" | head -1 | cut -d: -f1
}

# assert_root_cause <headline part> <file:line>: the ROOT CAUSE line contains the headline part
# and the line under it is the location, exactly <file:line> or <file:line:col>.
assert_root_cause() {
  local want="$1" where="$2" line found=0 location=""
  while IFS= read -r line; do
    if [ "$found" = 1 ]; then
      location="${line#"${line%%[![:space:]]*}"}"
      break
    fi
    if [[ "$line" == *"ROOT CAUSE  "* ]]; then
      found=1
      if [[ "$line" != *"$want"* ]]; then
        printf 'ROOT CAUSE does not say "%s"\n--- output ---\n%s\n' "$want" "$output" >&2
        return 1
      fi
    fi
  done <<<"$output"
  if [ "$found" = 0 ]; then
    printf 'no ROOT CAUSE\n--- output ---\n%s\n' "$output" >&2
    return 1
  fi
  if [ "$location" != "$where" ] && [[ "$location" != "$where:"* ]]; then
    printf 'expected location %s, got "%s"\n--- output ---\n%s\n' "$where" "$location" "$output" >&2
    return 1
  fi
}

# assert_next_steps <task> <stage>: the NEXT block and the full log under a red stage.
assert_next_steps() {
  line_with "NEXT" >/dev/null
  line_with "factory stage $1 $2" "# retry" >/dev/null
  line_with "factory explain $1" "# ask the configured debug agent" >/dev/null
  line_with "factory log $1 $2" "# full log in \$PAGER" >/dev/null
  line_with "FULL LOG" ".factory/logs/$1/run-" "/$2.log" >/dev/null
}

# assert_json_root_cause <task> <stage> <file> <line>: status --json has the stage's root cause
# at <file> (as the log wrote it: it may be absolute) and <line>, and lists it in its findings.
assert_json_root_cause() {
  run factory status "$1" --json
  assert_status 0
  if ! jq -e --arg s "$2" --arg f "$3" --argjson l "$4" '
      .stages[] | select(.stage == $s)
      | (.root_cause.file == $f or (.root_cause.file | endswith("/" + $f)))
        and .root_cause.line == $l and (.findings | length) >= 1
        and .findings[0] == .root_cause and .outcome == "failed"' <<<"$output" >/dev/null; then
    printf 'status --json has no root cause %s:%s for %s\n%s\n' "$3" "$4" "$2" "$output" >&2
    return 1
  fi
}

# --- Python -------------------------------------------------------------------------------

@test "root cause: python, a failing pytest assertion points at the test's line" {
  make_repo python-calc
  cd "$REPO"
  factory new py-red --no-tdd
  ws="$(ws_of py-red)"
  sed -i 's/return a - b/return a + b/' "$ws/calc.py"
  want_line="$(line_of "$ws/tests/test_calc.py" "assert calc.sub(5, 3) == 2")"

  run factory run py-red
  assert_status 1
  line_with "[3/10]" "unit-test" "✗" >/dev/null
  assert_root_cause "test_sub" "tests/test_calc.py:$want_line"
  line_with "CONTEXT" >/dev/null
  assert_output_has "assert calc.sub(5, 3) == 2"
  # the change was reverted, so unrevert is still the first thing offered
  line_with "NEXT" "factory unrevert py-red" >/dev/null
  assert_next_steps py-red unit-test
  assert_json_root_cause py-red unit-test tests/test_calc.py "$want_line"
}

@test "root cause: python, a syntax error is reported at its file and line" {
  make_repo python-calc
  cd "$REPO"
  factory new py-syntax --no-tdd
  ws="$(ws_of py-syntax)"
  sed -i 's/return a - b/return a -/' "$ws/calc.py"
  want_line="$(line_of "$ws/calc.py" "return a -")"

  run factory run py-syntax
  assert_status 1
  line_with "[2/10]" "implement" "✗" >/dev/null
  assert_root_cause "SyntaxError" "calc.py:$want_line"
  assert_next_steps py-syntax implement
  assert_json_root_cause py-syntax implement calc.py "$want_line"
}

# --- Go -----------------------------------------------------------------------------------

@test "root cause: go, a failing test points at its t.Errorf line" {
  command -v go >/dev/null || skip "go not installed"
  make_repo go-calc
  cd "$REPO"
  factory new go-red --no-tdd
  ws="$(ws_of go-red)"
  sed -i 's/return a - b/return a + b/' "$ws/calc.go"
  want_line="$(line_of "$ws/calc_test.go" 'Sub(5, 3) = %d, want 2')"

  run factory run go-red
  assert_status 1
  line_with "[3/10]" "unit-test" "✗" >/dev/null
  assert_root_cause "TestSub" "calc_test.go:$want_line"
  assert_next_steps go-red unit-test
  assert_json_root_cause go-red unit-test calc_test.go "$want_line"
}

@test "root cause: go, a compile error is reported at its file and line" {
  command -v go >/dev/null || skip "go not installed"
  make_repo go-calc
  cd "$REPO"
  factory new go-build --no-tdd
  ws="$(ws_of go-build)"
  sed -i 's/return a - b/return a - c/' "$ws/calc.go"
  want_line="$(line_of "$ws/calc.go" "return a - c")"

  run factory run go-build
  assert_status 1
  line_with "[2/10]" "implement" "✗" >/dev/null
  assert_root_cause "undefined: c" "calc.go:$want_line"
  assert_json_root_cause go-build implement calc.go "$want_line"
}

# --- Rust ---------------------------------------------------------------------------------

@test "root cause: rust, a failing test points at the assertion that panicked" {
  command -v cargo >/dev/null || skip "cargo not installed"
  make_repo rust-calc
  cd "$REPO"
  factory new rs-red --no-tdd
  ws="$(ws_of rs-red)"
  sed -i 's/^    a - b$/    a + b/' "$ws/src/lib.rs"
  want_line="$(line_of "$ws/src/lib.rs" "assert_eq!(sub(5, 3), 2);")"

  run factory run rs-red
  assert_status 1
  line_with "[3/10]" "unit-test" "✗" >/dev/null
  assert_root_cause "subtracts" "src/lib.rs:$want_line"
  assert_next_steps rs-red unit-test
  assert_json_root_cause rs-red unit-test src/lib.rs "$want_line"
}

@test "root cause: rust, rustup's newer cargo (panic message after the location) too" {
  [ -x "$HOME/.cargo/bin/cargo" ] || skip "no rustup cargo"
  export PATH="$HOME/.cargo/bin:$PATH"
  make_repo rust-calc
  cd "$REPO"
  factory new rs-new --no-tdd
  ws="$(ws_of rs-new)"
  sed -i 's/^    a - b$/    a + b/' "$ws/src/lib.rs"
  want_line="$(line_of "$ws/src/lib.rs" "assert_eq!(sub(5, 3), 2);")"

  run factory stage rs-new unit-test
  assert_status 1
  assert_root_cause "subtracts" "src/lib.rs:$want_line"
  assert_json_root_cause rs-new unit-test src/lib.rs "$want_line"
}

@test "root cause: rust, a compile error is reported at the --> location" {
  command -v cargo >/dev/null || skip "cargo not installed"
  make_repo rust-calc
  cd "$REPO"
  factory new rs-build --no-tdd
  ws="$(ws_of rs-build)"
  sed -i 's/^    a - b$/    a - c/' "$ws/src/lib.rs"
  want_line="$(line_of "$ws/src/lib.rs" "a - c")"

  run factory run rs-build
  assert_status 1
  line_with "[2/10]" "implement" "✗" >/dev/null
  assert_root_cause "cannot find value" "src/lib.rs:$want_line"
  assert_json_root_cause rs-build implement src/lib.rs "$want_line"
}

# --- C++ ----------------------------------------------------------------------------------

# The sample's tests as doctest cases, which report file:line for a failed check.
use_doctest() {
  [ -f /usr/include/doctest/doctest.h ] || skip "doctest not installed"
  cat >"$REPO/tests/calc_test.cpp" <<'EOF'
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "calc.hpp"

TEST_CASE("add") { CHECK(calc::add(2, 3) == 5); }

TEST_CASE("sub") { CHECK(calc::sub(5, 3) == 2); }
EOF
  commit_all "doctest"
}

@test "root cause: c++, a failing doctest check points at the test file, relative to the workspace" {
  command -v cmake >/dev/null || skip "cmake not installed"
  make_repo cpp-calc
  use_doctest
  cd "$REPO"
  factory new cpp-red --no-tdd
  ws="$(ws_of cpp-red)"
  sed -i 's/return a - b;/return a + b;/' "$ws/src/calc.cpp"
  want_line="$(line_of "$ws/tests/calc_test.cpp" 'calc::sub(5, 3) == 2')"

  run factory run cpp-red
  assert_status 1
  line_with "[3/10]" "unit-test" "✗" >/dev/null
  assert_root_cause "calc::sub(5, 3) == 2" "tests/calc_test.cpp:$want_line"
  assert_next_steps cpp-red unit-test
  assert_json_root_cause cpp-red unit-test tests/calc_test.cpp "$want_line"
}

@test "root cause: c++, a compile error is the gcc error, not the make line it caused" {
  command -v cmake >/dev/null || skip "cmake not installed"
  make_repo cpp-calc
  cd "$REPO"
  factory new cpp-build --no-tdd
  ws="$(ws_of cpp-build)"
  sed -i 's/return a - b;/return a - c;/' "$ws/src/calc.cpp"
  want_line="$(line_of "$ws/src/calc.cpp" "return a - c;")"

  run factory run cpp-build
  assert_status 1
  line_with "[2/10]" "implement" "✗" >/dev/null
  assert_root_cause "was not declared in this scope" "src/calc.cpp:$want_line"
  assert_json_root_cause cpp-build implement src/calc.cpp "$want_line"
}

# --- Any tool -----------------------------------------------------------------------------

@test "root cause: an unknown tool's output falls back to its last lines; status has no root cause" {
  make_repo python-calc
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"step \$i done\"; done; exit 3'"
  cd "$REPO"
  factory new quiet --no-tdd

  run factory stage quiet unit-test
  assert_status 1
  assert_output_lacks "ROOT CAUSE"
  assert_output_has "no error recognised; last 10 lines:"
  line_with "step 12 done" >/dev/null
  line_with "step 3 done" >/dev/null
  assert_output_lacks "step 2 done"
  assert_next_steps quiet unit-test

  run factory status quiet --json
  assert_status 0
  jq -e '.stages[] | select(.stage == "unit-test")
         | .outcome == "failed" and .root_cause == null and .findings == []' <<<"$output" >/dev/null
}

@test "root cause: a pattern from .factory.toml finds a project's own error format" {
  make_repo python-calc
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = 'echo starting; echo \"OOPS lib/widget.txt:42 the widget broke\"; echo done; exit 1'

[[extract.patterns]]
tool = \"widgets\"
regex = '^OOPS (?P<file>\\S+):(?P<line>\\d+) (?P<message>.*)\$'"
  cd "$REPO"
  factory new widget --no-tdd

  run factory stage widget unit-test
  assert_status 1
  assert_root_cause "the widget broke" "lib/widget.txt:42"
  assert_json_root_cause widget unit-test lib/widget.txt 42
  jq -e '.stages[] | select(.stage == "unit-test") | .root_cause.tool == "widgets"' \
    <<<"$output" >/dev/null
}

@test "root cause: a tdd-setup that confirms red is a pass and shows no root cause" {
  make_repo python-calc
  cd "$REPO"
  factory new tdd-red
  ws="$(ws_of tdd-red)"
  cat >>"$ws/tests/test_calc.py" <<'EOF'


def test_mul() -> None:
    assert calc.mul(4, 3) == 12
EOF

  run factory run tdd-red --to tdd-setup
  assert_status 0
  line_with "[1/10]" "tdd-setup" "✓" "red confirmed" >/dev/null
  assert_output_lacks "ROOT CAUSE"
  assert_output_lacks "no error recognised"

  run factory status tdd-red --json
  assert_status 0
  jq -e '.stages[] | select(.stage == "tdd-setup")
         | .outcome == "passed" and .root_cause == null and .findings == []' <<<"$output" >/dev/null
}
