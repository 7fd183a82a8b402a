#!/usr/bin/env bats
# Python (pytest, coverage, black, mypy, bandit) end to end on examples/python-calc.

load helpers

setup() {
  e2e_setup
  make_repo python-calc
}

# Appends a test for mul, which calc.py does not have yet.
write_mul_test() {
  cat >>"$1/tests/test_calc.py" <<'EOF'


def test_mul() -> None:
    assert calc.mul(4, 3) == 12
EOF
}

# Appends mul to calc.py; "wrong" gives a mul that adds.
write_mul() {
  local op='*'
  [ "${2:-}" = wrong ] && op='+'
  cat >>"$1/calc.py" <<EOF


def mul(a: int, b: int) -> int:
    """Returns a times b."""
    return a $op b
EOF
}

@test "python: init detects python and refuses to overwrite" {
  cd "$REPO"
  run factory init
  assert_status 0
  line_with "initialized" "project (marker: pyproject.toml)" | grep -qi python
  [ -f "$REPO/.factory.toml" ]
  grep -q 'state.db' "$REPO/.factory/.gitignore"
  grep -q 'logs' "$REPO/.factory/.gitignore"
  for s in tdd-setup implement unit-test coverage lint static integration security review accept; do
    assert_output_has "$s"
  done
  assert_output_has "pytest"

  run factory init
  assert_status 2
  run factory init --force
  assert_status 0
}

@test "python: new creates the workspace at ../<repo>.factory/<task> on branch factory/<task>" {
  cd "$REPO"
  run factory new calc-mul
  assert_status 0
  assert_output_has "created task calc-mul (python)"
  assert_output_has "factory/calc-mul"
  ws="$(ws_of calc-mul)"
  [ -d "$ws" ]
  [ -f "$ws/calc.py" ]
  [ "$(git -C "$ws" rev-parse --abbrev-ref HEAD)" = "factory/calc-mul" ]
  [ "$(git -C "$ws" rev-parse HEAD)" = "$(git -C "$REPO" rev-parse main)" ]
  git -C "$REPO" worktree list | grep -q "$ws"
  assert_clean "$ws"
}

@test "python: tdd-setup passes on red and commits only the test file" {
  cd "$REPO"
  factory new calc-mul
  ws="$(ws_of calc-mul)"
  write_mul_test "$ws"
  write_mul "$ws" wrong

  run factory run calc-mul --to tdd-setup
  assert_status 0
  line_with "tdd-setup" "✓" "red confirmed"

  [ "$(git -C "$ws" log -1 --format=%s)" = "factory: tdd-setup red confirmed" ]
  [ "$(git -C "$ws" show --name-only --format= HEAD)" = "tests/test_calc.py" ]
  # the source change stays in the working tree for the next cycle
  [ "$(git -C "$ws" status --porcelain)" = " M calc.py" ]
  grep -q 'return a + b' <(tail -1 "$ws/calc.py")
}

@test "python: tdd-setup without a changed test file fails with a hint" {
  cd "$REPO"
  factory new calc-mul
  ws="$(ws_of calc-mul)"
  write_mul "$ws"
  run factory run calc-mul --to tdd-setup
  assert_status 1
  line_with "tdd-setup" "✗"
  [ "$(task_commit_count calc-mul)" = 0 ]
}

@test "python: a TDD cycle: red confirmed, reverted implementation, fix, one green commit" {
  cd "$REPO"
  factory new calc-mul
  ws="$(ws_of calc-mul)"
  write_mul_test "$ws"
  write_mul "$ws" wrong

  run factory run calc-mul
  assert_status 1
  line_with "[1/10]" "tdd-setup" "red confirmed"
  line_with "[3/10]" "unit-test" "✗" "reverted 1 file"
  line_with "M calc.py"
  assert_output_has "run 1 failed at unit-test"
  # the red tests survive as the snapshot; the implementation was reverted
  [ "$(task_commit_count calc-mul)" = 1 ]
  assert_clean "$ws"
  cmp "$ws/calc.py" "$REPO/calc.py"
  grep -q test_mul "$ws/tests/test_calc.py"

  write_mul "$ws"
  run factory run calc-mul
  assert_status 0
  line_with "tdd-setup" "red confirmed" "(already)"
  line_with "committed" "factory: implement..review passed"
  assert_output_has "READY FOR DECISION"
  [ "$(task_commit_count calc-mul)" = 2 ]
  assert_clean "$ws"
  [ "$(git -C "$ws" show --name-only --format= HEAD)" = "calc.py" ]
}

@test "python: a green run commits once, with trailers, and leaves no byproducts" {
  cd "$REPO"
  factory new calc-mul --no-tdd
  ws="$(ws_of calc-mul)"
  write_mul_test "$ws"
  write_mul "$ws"

  run factory run calc-mul
  assert_status 0
  line_with "tdd-setup" "SKIPPED (tdd disabled for this task)"
  for s in implement unit-test coverage lint static security review accept; do
    line_with "$s" "✓" >/dev/null || line_with "$s" "SKIPPED" >/dev/null || {
      echo "stage $s neither passed nor skipped visibly" >&2
      false
    }
  done
  line_with "committed" "factory: implement..review passed"
  assert_output_has "READY FOR DECISION"

  [ "$(task_commit_count calc-mul)" = 1 ]
  [ "$(git -C "$ws" log -1 --format=%s)" = "factory: implement..review passed" ]
  body="$(git -C "$ws" log -1 --format=%B)"
  [[ "$body" == *"Factory-Task: calc-mul"* ]]
  [[ "$body" == *"Factory-Stages: "* ]]
  [[ "$body" == *"Factory-Run: "* ]]
  [ "$(git -C "$ws" show --name-only --format= HEAD | sort | tr '\n' ' ')" = "calc.py tests/test_calc.py " ]
  # no __pycache__, .pytest_cache, .mypy_cache, .coverage left in the change
  assert_clean "$ws"
  # the main worktree is untouched (factory's own .factory/ folder aside)
  [ "$(git -C "$REPO" rev-list --count main)" = 1 ]
  [ -z "$(git -C "$REPO" status --porcelain | grep -v '\.factory' || true)" ]

  # a cycle with no change makes no commit
  run factory run calc-mul
  assert_status 0
  [ "$(task_commit_count calc-mul)" = 1 ]

  run factory status calc-mul
  assert_status 0
  assert_output_has "ready_for_decision"
}

@test "python: a red unit-test reverts a modified and a new file and prints both" {
  cd "$REPO"
  factory new calc-sub --no-tdd
  ws="$(ws_of calc-sub)"
  sed -i 's/return a - b/return a + b/' "$ws/calc.py"
  printf 'def double(x: int) -> int:\n    return 2 * x\n' >"$ws/helpers.py"
  base="$(git -C "$ws" rev-parse HEAD)"

  run factory run calc-sub
  assert_status 1
  line_with "[3/10]" "unit-test" "✗" "reverted 2 files (patch saved)"
  line_with "M calc.py" "+1 -1"
  line_with "A helpers.py" "+2 -0"
  line_with "FULL LOG" ".factory/logs/calc-sub/run-1/unit-test.log"
  line_with "NEXT" "factory unrevert"
  assert_output_has "run 1 failed at unit-test"
  assert_output_lacks "[4/10]"

  # back to the last green state; the branch did not move
  assert_clean "$ws"
  [ ! -e "$ws/helpers.py" ]
  [ "$(git -C "$ws" rev-parse HEAD)" = "$base" ]
  [ "$(task_commit_count calc-sub)" = 0 ]
  # the discarded change is kept
  git -C "$REPO" rev-parse --verify -q refs/factory/reverted/calc-sub/1 >/dev/null
  patch="$(ls "$REPO"/.factory/logs/calc-sub/reverted-*.patch)"
  grep -q 'helpers.py' "$patch"
  grep -q 'return a + b' "$patch"
  grep -q 'FAIL\|AssertionError' "$REPO/.factory/logs/calc-sub/run-1/unit-test.log"

  run factory status calc-sub
  assert_output_has "failed"
}

@test "python: unrevert restores exactly the discarded change" {
  cd "$REPO"
  factory new calc-sub --no-tdd
  ws="$(ws_of calc-sub)"
  sed -i 's/return a - b/return a + b/' "$ws/calc.py"
  printf 'def double(x: int) -> int:\n    return 2 * x\n' >"$ws/helpers.py"
  snapshot_change "$ws" "$BATS_TEST_TMPDIR/before"

  run factory run calc-sub
  assert_status 1
  assert_clean "$ws"

  run factory unrevert calc-sub
  assert_status 0
  assert_output_has "calc.py"
  assert_output_has "helpers.py"
  snapshot_change "$ws" "$BATS_TEST_TMPDIR/after"
  diff -r "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
  [ "$(task_commit_count calc-sub)" = 0 ]
}

@test "python: --resume skips the stages already green on the same tree" {
  cd "$REPO"
  factory new calc-mul --no-tdd
  ws="$(ws_of calc-mul)"
  write_mul_test "$ws"
  write_mul "$ws"

  run factory run calc-mul --to unit-test
  assert_status 0
  line_with "unit-test" "✓"
  assert_output_lacks "[4/10]"
  [ "$(task_commit_count calc-mul)" = 1 ]

  run factory run calc-mul --resume
  assert_status 0
  line_with "[2/10]" "implement" "green on this tree"
  line_with "[3/10]" "unit-test" "green on this tree"
  line_with "[4/10]" "coverage" "✓"
  refute line_with "[4/10]" "green on this tree"
  [ "$(task_commit_count calc-mul)" = 1 ]
  assert_clean "$ws"
}

@test "python: a missing tool shows SKIPPED with an install hint" {
  cd "$REPO"
  factory new calc-mul --no-tdd
  ws="$(ws_of calc-mul)"
  write_mul_test "$ws"
  write_mul "$ws"
  hide_python_tools

  run factory run calc-mul
  line_with "[3/10]" "unit-test" "SKIPPED (tool missing: pytest)"
  line_with "SKIPPED (tool missing: pytest)" "hint"
  line_with "lint" "SKIPPED (tool missing: black)"
  assert_output_lacks "Traceback"
  assert_output_lacks "No module named"
}

@test "python: black and mypy problems are red at lint and static and reverted" {
  cd "$REPO"
  factory new gates --no-tdd
  ws="$(ws_of gates)"
  printf 'def triple(x: int) -> int:\n    return 3*x\n' >"$ws/triple.py"
  run factory stage gates lint
  assert_status 1
  line_with "[5/10]" "lint" "✗" "reverted 1 file"
  line_with "A triple.py"
  assert_clean "$ws"

  printf 'def triple(x: int) -> int:\n    return "3" * x\n' >"$ws/triple.py"
  run factory stage gates static
  assert_status 1
  line_with "[6/10]" "static" "✗" "reverted 1 file"
  assert_output_has "triple.py"
  assert_clean "$ws"
}
