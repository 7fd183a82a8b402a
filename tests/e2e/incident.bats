#!/usr/bin/env bats
# Incidents (docs/INCIDENTS.md): a recorded incident's test requirement reaches later tasks whose
# boundaries may touch its paths, and their unit-test stage fails while the test is missing.
# Real pytest (and go test) on examples/python-calc and examples/go-calc.

load helpers

REQUIRED='tests/test_pay.py::test_refund_twice'

setup() {
  e2e_setup
  make_repo python-calc
  mkdir -p "$REPO/src/pay"
  printf 'def refund(amount: int, already_refunded: bool) -> int:\n    return amount\n' \
    >"$REPO/src/pay/refund.py"
  commit_all "a payments module"
}

# The fix the incident asks for, in a task workspace.
fix_refund() {
  printf 'def refund(amount: int, already_refunded: bool) -> int:\n    return 0 if already_refunded else amount\n' \
    >"$1/src/pay/refund.py"
}

# The test the incident requires; "red" makes it fail.
write_refund_test() {
  local want=0
  [ "${2:-}" = red ] && want=1
  cat >"$1/tests/test_pay.py" <<EOF
from src.pay.refund import refund


def test_refund_twice() -> None:
    assert refund(10, already_refunded=True) == $want
EOF
}

# incident_count <id> <applied|caught>: the count `incident list --json` reports.
incident_count() {
  factory incident list --json |
    python3 -c "import json,sys; print(next(i['$2'] for i in json.load(sys.stdin) if i['id'] == $1))"
}

record_incident() {
  factory new pay-a --no-tdd >/dev/null
  run factory incident add --task pay-a --root-cause 'double refund' --test "$REQUIRED" \
    --paths 'src/pay/**'
  assert_status 0
  assert_output_has "recorded incident 1 (task pay-a): double refund"
  assert_output_has "test $REQUIRED must exist and pass in later tasks that may touch src/pay/**"
}

@test "incident: a later task touching the paths inherits the test; unit-test fails while it is missing" {
  cd "$REPO"
  record_incident

  run factory new pay-b --no-tdd --allow 'src/pay/**' --allow 'tests/**'
  assert_status 0
  assert_output_has "requires test $REQUIRED (incident 1: double refund)"
  contract="$REPO/.factory/pay-b/contract.yaml"
  grep -q '^requirements:$' "$contract"
  grep -q '^  - incident: 1$' "$contract"
  grep -qF "    test: \"$REQUIRED\"" "$contract"
  grep -qF '    reason: "double refund"' "$contract"
  [ "$(incident_count 1 applied)" = 1 ]
  [ "$(incident_count 1 caught)" = 0 ]

  ws="$(ws_of pay-b)"
  fix_refund "$ws"
  run factory run pay-b --to unit-test
  assert_status 1
  line_with "[3/10]" "unit-test" "✗" "reverted 1 file"
  line_with "✗ required test $REQUIRED (incident 1: double refund) is missing"
  line_with "WHY" "required test $REQUIRED (incident 1: double refund) is missing"
  line_with "HINT" "write the test"
  line_with "FULL LOG" "unit-test-required-1.log"
  grep -q "not found" "$REPO/.factory/logs/pay-b/run-1/unit-test-required-1.log"
  assert_clean "$ws"

  run factory incident list
  assert_status 0
  line_with "incident 1" "$REQUIRED"
  line_with "paths" "src/pay/**"
  line_with "root cause" "double refund"
  line_with "from task" "pay-a"
  line_with "applied 1 · caught 1"

  # With the test written (and passing) the stage goes green and says so.
  fix_refund "$ws"
  write_refund_test "$ws"
  run factory run pay-b --to unit-test
  assert_status 0
  line_with "[3/10]" "unit-test" "✓" "1 required test passed"
  line_with "✓ required test $REQUIRED (incident 1: double refund) passed"
  [ "$(task_commit_count pay-b)" = 1 ]
  [ "$(incident_count 1 caught)" = 1 ]

  # The audit trail has each step.
  if command -v sqlite3 >/dev/null; then
    run sqlite3 "$REPO/.factory/state.db" \
      "SELECT task || ' ' || action FROM events WHERE action LIKE 'incident%' ORDER BY seq"
    [ "$output" = "$(printf 'pay-a incident_added\npay-b incident_applied\npay-b incident_caught')" ]
  fi
}

@test "incident: a required test runs on its own, even when the suite leaves it out; red counts as caught" {
  cd "$REPO"
  # The project's unit-test command runs only test_calc.py: the required test must run anyway.
  write_config '[stages.unit-test]
command = "python3 -m pytest -q -p no:cacheprovider tests/test_calc.py"'
  record_incident
  factory new pay-b --no-tdd --allow 'src/pay/**' --allow 'tests/**' >/dev/null
  ws="$(ws_of pay-b)"
  fix_refund "$ws"
  write_refund_test "$ws" red
  run factory run pay-b --to unit-test
  assert_status 1
  line_with "WHY" "required test $REQUIRED (incident 1: double refund) failed"
  line_with "HINT" "fix the code"
  line_with "assert 0 == 1"
  [ "$(incident_count 1 caught)" = 1 ]
  if command -v sqlite3 >/dev/null; then
    run sqlite3 "$REPO/.factory/state.db" "SELECT payload FROM events WHERE action = 'incident_caught'"
    assert_output_has '"detail":"failed"'
  fi
}

@test "incident: tasks whose boundaries cannot touch the paths do not inherit it" {
  cd "$REPO"
  record_incident
  run factory new docs-only --no-tdd --allow 'docs/**' --allow '/README.md'
  assert_status 0
  assert_output_lacks "requires test"
  grep -q '^# requirements:$' "$REPO/.factory/docs-only/contract.yaml"
  refute grep -q '^requirements:' "$REPO/.factory/docs-only/contract.yaml"
  # ("README.md" without the leading "/" would match src/pay/README.md too, and inherit it.)
  # Allowed everything, but src/pay forbidden: still out of reach.
  run factory new no-pay --no-tdd --forbid 'src/pay/**'
  assert_status 0
  assert_output_lacks "requires test"
  # The default boundaries (everything) may touch it.
  run factory new anything --no-tdd
  assert_output_has "requires test $REQUIRED"
  [ "$(incident_count 1 applied)" = 1 ]
}

@test "incident: an incident without paths applies to every later task" {
  cd "$REPO"
  factory new pay-a --no-tdd >/dev/null
  run factory incident add --task pay-a --root-cause 'calc broke' --test tests/test_calc.py::test_add
  assert_status 0
  assert_output_has "must exist and pass in every later task"
  run factory new docs-only --no-tdd --allow 'docs/**'
  assert_output_has "requires test tests/test_calc.py::test_add (incident 1: calc broke)"
  run factory incident list --json
  assert_status 0
  python3 -c '
import json, sys
[i] = json.loads(sys.argv[1])
assert i["paths"] == [] and i["task"] == "pay-a" and i["applied"] == 1, i
assert i["test"] == "tests/test_calc.py::test_add" and i["root_cause"] == "calc broke", i
assert set(i) == {"id", "task", "root_cause", "test", "paths", "actor", "created_at", "applied", "caught"}, i
' "$output"
}

@test "incident: bad input to incident add is a usage error that names it" {
  cd "$REPO"
  factory new pay-a --no-tdd >/dev/null
  run --separate-stderr factory incident add --task nope --root-cause x --test t
  assert_usage_error "no task 'nope'"
  run --separate-stderr factory incident add --task pay-a --root-cause ' ' --test t
  assert_usage_error "--root-cause is empty"
  run --separate-stderr factory incident add --task pay-a --root-cause x --test ''
  assert_usage_error "--test is empty"
  run --separate-stderr factory incident add --task pay-a --root-cause x --test='--co'
  assert_usage_error "starts with '-'"
  run --separate-stderr factory incident add --task pay-a --root-cause $'two\nlines' --test t
  assert_usage_error "--root-cause holds a line break"
  run --separate-stderr factory incident add --task pay-a --root-cause x --test t --paths '../x'
  assert_usage_error "--paths '../x'"
  run --separate-stderr factory incident add --task pay-a --root-cause x --test t --paths '!src/**'
  assert_usage_error "negated glob"
  run --separate-stderr factory incident add --task pay-a --test t
  assert_status 2
  run factory incident list --json
  [ "$output" = "[]" ]
}

@test "incident: go: a required test by name is missing until it exists" {
  command -v go >/dev/null || skip "go not installed"
  make_repo go-calc gorepo
  cd "$REPO"
  factory new calc-a --no-tdd >/dev/null
  factory incident add --task calc-a --root-cause 'Div by zero panicked' --test TestDivByZero >/dev/null
  run factory new calc-b --no-tdd
  assert_output_has "requires test TestDivByZero (incident 1: Div by zero panicked)"
  ws="$(ws_of calc-b)"
  printf '\n// Neg returns -a.\nfunc Neg(a int) int { return -a }\n' >>"$ws/calc.go"
  run factory run calc-b --to unit-test
  assert_status 1
  line_with "WHY" "required test TestDivByZero (incident 1: Div by zero panicked) is missing"

  printf '\n// Neg returns -a.\nfunc Neg(a int) int { return -a }\n' >>"$ws/calc.go"
  printf '\nfunc TestDivByZero(t *testing.T) {\n\tif Neg(1) != -1 {\n\t\tt.Fatal("neg")\n\t}\n}\n' >>"$ws/calc_test.go"
  run factory run calc-b --to unit-test
  assert_status 0
  line_with "✓ required test TestDivByZero (incident 1: Div by zero panicked) passed"
  [ "$(incident_count 1 caught)" = 1 ]
}
