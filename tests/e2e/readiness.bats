#!/usr/bin/env bats
# The readiness dashboard (docs/READINESS.md) on a real Python task going green: real coverage
# from coverage.py, the real diff, the stage results on the final tree.

load helpers

setup() {
  e2e_setup
  make_repo python-calc
  cd "$REPO"
  factory new calc-mul --no-tdd >/dev/null
  WS="$(ws_of calc-mul)"
}

# mul and its test: +5 lines in calc.py, +4 in tests/test_calc.py.
write_mul_and_test() {
  cat >>"$WS/calc.py" <<'EOF'


def mul(a: int, b: int) -> int:
    """Returns a times b."""
    return a * b
EOF
  cat >>"$WS/tests/test_calc.py" <<'EOF'


def test_mul() -> None:
    assert calc.mul(4, 3) == 12
EOF
}

@test "readiness: a green run shows the dashboard with measured numbers" {
  write_mul_and_test
  run factory run calc-mul
  assert_status 0
  line_with "✓ Test coverage" "100% (threshold 80%)"
  line_with "✓ Patch coverage" "100% (threshold 90%)"
  line_with "✓ Critical paths" "none declared"
  line_with "✓ Lines changed" "+9 / -0 (small)"
  line_with "✓ New dependencies  0"
  line_with "✓ New patterns" "none"
  line_with "✓ Boundaries" "2 files, all allowed"
  line_with "✓ Stages" "10/10 (tdd-setup skipped: tdd disabled for this task)"
  line_with "Risk: LOW (2/10) — why: 1 skipped stage: tdd-setup (+2)"
  line_with "Review estimate: ~5 min"
  line_with "READY FOR DECISION" "coverage 100% (min 80) · patch coverage 100% · +9/-0 lines" \
    "0 new deps · risk LOW (2/10) · next: factory approve calc-mul"

  # status sums it up; --json carries the same metrics
  run factory status calc-mul
  assert_status 0
  line_with "READY FOR DECISION" "+9/-0 lines" "risk LOW (2/10)"
  run factory status calc-mul --json
  assert_status 0
  [ "$(jq -r '.readiness.lines.added' <<<"$output")" = 9 ]
  jq -e '.readiness.coverage.percent == 100' <<<"$output" >/dev/null
  [ "$(jq -r '.readiness.patch_coverage.measured' <<<"$output")" = true ]
  [ "$(jq -r '.readiness.stages.green' <<<"$output")" = 10 ]
  [ "$(jq -r '.readiness.risk.level' <<<"$output")" = LOW ]
  [ "$(jq -r '.readiness.risk.factors[0].name' <<<"$output")" = skipped-stages ]
  [ "$(jq -r '.readiness.tree_id' <<<"$output")" != null ]
  [ "$(jq -r '.readiness.blocking | length' <<<"$output")" = 0 ]
}

@test "readiness: a dependency added to requirements.txt shows up as New dependencies 1" {
  write_mul_and_test
  printf 'requests==2.31\n' >"$WS/requirements.txt"
  run factory run calc-mul
  assert_status 0
  line_with "⚠ New dependencies  1 (requirements.txt:1 requests)"
  line_with "⚠ New patterns" "1 new file in the root (review)"
  line_with "Risk: MEDIUM (5/10)" "1 new dependency (+1)" "new files in the root (+2)"
  line_with "READY FOR DECISION" "1 new dep ·"
  run factory status calc-mul --json
  [ "$(jq -r '.readiness.new_dependencies.items[0].name' <<<"$output")" = requests ]
}

@test "readiness: without the coverage tools, coverage is not measured and says why" {
  hide_python_tools
  write_mul_and_test
  run factory run calc-mul
  assert_status 0
  line_with "⚠ Test coverage" "not measured: coverage stage skipped (tool missing: coverage)"
  line_with "⚠ Patch coverage" "not measured: coverage stage skipped (tool missing: coverage)"
  line_with "patch coverage not measured (+2)"
  line_with "READY FOR DECISION" "coverage not measured · patch coverage not measured"
  run factory status calc-mul --json
  [ "$(jq -r '.readiness.coverage.measured' <<<"$output")" = false ]
  [ "$(jq -r '.readiness.coverage.percent' <<<"$output")" = null ]
}

@test "readiness: a run that is not green shows no dashboard" {
  cat >>"$WS/calc.py" <<'EOF'


def mul(a: int, b: int) -> int:
    return a + b
EOF
  cat >>"$WS/tests/test_calc.py" <<'EOF'


def test_mul() -> None:
    assert calc.mul(4, 3) == 12
EOF
  run factory run calc-mul
  assert_status 1
  assert_output_lacks "Test coverage"
  assert_output_lacks "Risk:"
  run factory status calc-mul --json
  [ "$(jq -r '.readiness' <<<"$output")" = null ]
}
