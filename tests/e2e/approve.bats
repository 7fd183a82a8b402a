#!/usr/bin/env bats
# The decision point: the readiness dashboard with real coverage (coverage.py, go test
# -coverprofile), patch and critical-path coverage of a diff made here, and `factory approve` /
# `factory reject` with every refusal reason, recorded in the audit trail with actor and time.

load helpers

setup() {
  e2e_setup
  export FACTORY_ACTOR=lewis
}

# A python-calc task "calc-mul" whose real unit-test and coverage stages run; the slow linters
# are no-ops, since this suite is about the decision, not about them.
python_task() {
  make_repo python-calc
  cd "$REPO"
  write_config "$(trivial_stages_except unit-test coverage review)"
  factory new calc-mul --no-tdd >/dev/null
  WS="$(ws_of calc-mul)"
  cat >>"$WS/calc.py" <<'PY'


def mul(a: int, b: int) -> int:
    """Returns a times b."""
    return a * b
PY
  cat >>"$WS/tests/test_calc.py" <<'PY'


def test_mul() -> None:
    assert calc.mul(4, 3) == 12
PY
}

# Appends div, which no test calls: lines 20-22 of calc.py never run.
add_untested_div() {
  cat >>"$WS/calc.py" <<'PY'


def div(a: int, b: int) -> float:
    if b == 0:
        raise ZeroDivisionError("b is zero")
    return a / b
PY
}

# contract_set <yaml>: appends top-level keys to the task's contract.
contract_add() {
  printf '%s\n' "$1" >>"$REPO/.factory/calc-mul/contract.yaml"
}

approve_events() {
  factory audit export --jsonl | jq -c 'select(.task == "calc-mul" and .action == "approved")'
}

@test "approve: a green python task shows the dashboard with real coverage and is approved with --yes" {
  python_task
  run factory run calc-mul
  assert_status 0
  assert_output_has "READY FOR DECISION"
  line_with "Test coverage" "100%" "(threshold 80%)"
  line_with "Patch coverage" "100%" "(threshold 90%)"
  line_with "Lines changed" "+9 / -0 (small)"
  line_with "Stages" "10/10"
  assert_output_has "Risk: LOW"
  assert_output_has "Review estimate: ~5 min"

  # status --json carries the same metrics
  run factory status calc-mul --json
  assert_status 0
  [ "$(jq -r '.readiness.patch_coverage.percent' <<<"$output")" = 100 ]
  [ "$(jq -r '.readiness.lines.added' <<<"$output")" = 9 ]

  # no terminal and no --yes: refused, nothing recorded
  run --separate-stderr factory approve calc-mul </dev/null
  assert_status 3
  [[ "$stderr" == *"without a person at a terminal"* ]]
  [[ "$stderr" == *"--yes"* ]]
  [ -z "$(approve_events)" ]

  run factory approve calc-mul --yes --note "looks good"
  assert_status 0
  line_with "Patch coverage" "100%"
  assert_output_has "approved calc-mul by lewis (non-interactive, --yes)"
  run factory status calc-mul --json
  [ "$(jq -r .status <<<"$output")" = approved ]
  event="$(approve_events)"
  [ "$(jq -r .actor <<<"$event")" = lewis ]
  [ "$(jq -r '.payload | fromjson | .note' <<<"$event")" = "looks good" ]
  [ "$(jq -r '.payload | fromjson | .interactive' <<<"$event")" = false ]
  run factory audit calc-mul
  assert_status 0
  line_with "approved (lewis)" '"looks good"'

  # approving twice is refused, naming who approved and the next step
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"already approved by lewis"* ]]
  [[ "$stderr" == *"factory deploy calc-mul"* ]]
}

@test "approve: patch coverage and a critical-path gap are computed for the diff" {
  python_task
  add_untested_div
  contract_add 'coverage:
  min_percent: 0
  min_patch_percent: 0
  critical_paths: ["div()"]'
  run factory run calc-mul
  assert_status 1
  line_with "[4/10]" "coverage" "✗"
  line_with "WHY" "critical"
  line_with "ROOT CAUSE" "critical function div()"
  assert_output_has "calc.py:20"
  # changed and measured: def mul, return, def div, if, raise, return: 3 of 6 ran
  grep -q "patch coverage 50% (3 of 6" "$REPO/.factory/logs/calc-mul/run-1/coverage.log"
  [ "$(factory status calc-mul --json | jq -r .status)" = failed ]

  # without the critical path the same diff passes, and the dashboard shows patch 50%
  sed -i '/critical_paths/d' "$REPO/.factory/calc-mul/contract.yaml"
  factory unrevert calc-mul >/dev/null
  run factory run calc-mul
  assert_status 0
  line_with "Patch coverage" "50%" "(threshold 0%)"
  line_with "Critical paths" "none declared"
}

@test "approve: refused for each reason, with the next step named, and nothing recorded" {
  python_task
  run factory run calc-mul --to unit-test
  assert_status 0
  # not ready_for_decision yet
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"not ready_for_decision"* ]]
  [[ "$stderr" == *"factory run calc-mul"* ]]

  run factory run calc-mul
  assert_status 0

  # the workspace changed since the green run
  echo "# edited" >>"$WS/calc.py"
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"changed since its pipeline passed"* ]]
  git -C "$WS" checkout -q calc.py

  # the contract names approvers and lewis is not one of them
  contract_add 'approvers: [ana, "bob@example.com"]'
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"lewis may not approve"* ]]
  FACTORY_ACTOR=ana run factory approve calc-mul --yes --note "ana checked"
  assert_status 0
  [ "$(approve_events | jq -r .actor)" = ana ]
}

@test "approve: a critical gap, a required skip or a boundary violation found at decision time refuses" {
  python_task
  add_untested_div
  write_config "$(trivial_stages_except unit-test coverage review integration)
[stages.integration]
command = \"\"
[coverage]
min = 0
min_patch = 0"
  run factory run calc-mul
  assert_status 0
  line_with "integration" "SKIPPED"

  # a critical path declared after the green run: div never ran
  cp "$REPO/.factory/calc-mul/contract.yaml" "$BATS_TEST_TMPDIR/contract.yaml"
  contract_add 'coverage:
  critical_paths: ["div()"]'
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"critical path not covered: calc.py:20-22 div()"* ]]
  line_with "Critical paths" "0/1"

  # a stage the contract requires was skipped
  cp "$BATS_TEST_TMPDIR/contract.yaml" "$REPO/.factory/calc-mul/contract.yaml"
  contract_add 'stages:
  integration:
    required: true'
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"integration"* ]]
  [[ "$stderr" == *"required"* ]]

  # the boundaries no longer allow calc.py
  cp "$BATS_TEST_TMPDIR/contract.yaml" "$REPO/.factory/calc-mul/contract.yaml"
  sed -i 's|^  allowed_files:.*|  allowed_files: ["tests/**"]|; /^    - "\*\*"$/d' \
    "$REPO/.factory/calc-mul/contract.yaml"
  factory contract check calc-mul >/dev/null
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"calc.py"* ]]
  [[ "$stderr" == *"outside"* ]]

  [ -z "$(approve_events)" ]
  [ "$(factory status calc-mul --json | jq -r .status)" = ready_for_decision ]
}

@test "approve: at a terminal y approves (interactive), Ctrl-C records nothing" {
  python_task
  run factory run calc-mul
  assert_status 0

  # Ctrl-C at the prompt: the terminal's interrupt character sends SIGINT
  run script -qec "$FACTORY_BIN approve calc-mul" /dev/null < <(sleep 2; printf '\003'; sleep 1)
  assert_status 130
  [[ "$output" == *"Approve calc-mul? [y/N]"* ]]
  [[ "$output" == *"nothing recorded"* ]]
  [ -z "$(approve_events)" ]

  # "n" declines: refused, nothing recorded
  run script -qec "$FACTORY_BIN approve calc-mul" /dev/null < <(sleep 2; printf 'n\n'; sleep 1)
  assert_status 3
  [ -z "$(approve_events)" ]

  # only the ends of the answer are trimmed: "y es" is no yes
  run script -qec "$FACTORY_BIN approve calc-mul" /dev/null < <(sleep 2; printf 'y es\n'; sleep 1)
  assert_status 3
  [ -z "$(approve_events)" ]

  # Ctrl-D (end of input) declines, it is no interrupt
  run script -qec "$FACTORY_BIN approve calc-mul" /dev/null < <(sleep 2; printf '\004'; sleep 1)
  assert_status 3
  [[ "$output" == *"no answer (end of input)"* ]]
  [ -z "$(approve_events)" ]

  # an edit made while the prompt is open is not approved with the old tree
  run script -qec "$FACTORY_BIN approve calc-mul" /dev/null < <(sleep 2; echo 'LATE = 1' >>"$WS/calc.py"; printf 'y\n'; sleep 1)
  assert_status 3
  [[ "$output" == *"changed while it was being approved: nothing recorded"* ]]
  [ -z "$(approve_events)" ]
  git -C "$WS" checkout -q calc.py

  run script -qec "$FACTORY_BIN approve calc-mul --note 'at the desk'" /dev/null < <(sleep 2; printf 'y\n'; sleep 1)
  assert_status 0
  [ "$(approve_events | jq -r '.payload | fromjson | .interactive')" = true ]
}

@test "approve: of two approvals at the same moment only one is recorded" {
  python_task
  run factory run calc-mul
  assert_status 0
  FACTORY_ACTOR=ana "$FACTORY_BIN" approve calc-mul --yes >ana.out 2>&1 &
  local ana=$!
  FACTORY_ACTOR=bob "$FACTORY_BIN" approve calc-mul --yes >bob.out 2>&1 && bob_rc=0 || bob_rc=$?
  wait "$ana" && ana_rc=0 || ana_rc=$?
  cat ana.out bob.out
  # one wins, the other is told who did
  [ "$(printf '%s\n' "$ana_rc" "$bob_rc" | sort | tr '\n' ' ')" = "0 3 " ]
  grep -q "already approved by" ana.out bob.out
  [ "$(approve_events | wc -l)" -eq 1 ]
  [ "$(factory audit export --jsonl | jq -c 'select(.task == "calc-mul" and .action == "status" and (.payload | fromjson | .to) == "approved")' | wc -l)" -eq 1 ]
}

@test "reject: records the reason; the task cannot be approved afterwards" {
  python_task
  run --separate-stderr factory reject calc-mul --reason ""
  assert_usage_error "reason"
  run --separate-stderr factory reject calc-mul --reason "   "
  assert_usage_error "reason"
  run factory reject calc-mul --reason "needs a rate limit"
  assert_status 0
  assert_output_has "rejected calc-mul by lewis: needs a rate limit"
  run --separate-stderr factory approve calc-mul --yes
  assert_status 3
  [[ "$stderr" == *"already rejected by lewis"* ]]
  run --separate-stderr factory approve no-such-task --yes
  assert_usage_error "no-such-task"
  run --separate-stderr factory reject calc-mul --reason "again"
  assert_status 3
  [[ "$stderr" == *"already rejected by lewis"* ]]
  # a rejected task can still be cleaned up: its workspace goes, its history stays
  run factory abandon calc-mul
  assert_status 0
  [ ! -d "$WS" ]
  [ "$(factory status calc-mul --json | jq -r .status)" = abandoned ]
}

@test "approve: a green go task shows real coverage from go test -coverprofile" {
  make_repo go-calc
  cd "$REPO"
  write_config "$(trivial_stages_except unit-test coverage review)"
  factory new calc-mul --no-tdd >/dev/null
  WS="$(ws_of calc-mul)"
  cat >>"$WS/calc.go" <<'GO'

// Mul returns a times b.
func Mul(a, b int) int {
	return a * b
}

// Div returns a divided by b, or 0 when b is 0.
func Div(a, b int) int {
	if b == 0 {
		return 0
	}
	return a / b
}
GO
  cat >>"$WS/calc_test.go" <<'GO'

func TestMul(t *testing.T) {
	if Mul(4, 3) != 12 {
		t.Fatal("Mul(4, 3) != 12")
	}
}
GO
  printf '[coverage]\nmin = 0\nmin_patch = 0\n' >>"$REPO/.factory.toml"
  commit_all "patch threshold off"
  run factory run calc-mul
  assert_status 0
  # go's profile measures statement blocks: Mul's body ran, Div's three blocks did not
  line_with "Patch coverage" "(threshold 0%)"
  patch="$(factory status calc-mul --json | jq -r '.readiness.patch_coverage')"
  [ "$(jq -r .lines <<<"$patch")" -gt "$(jq -r .covered <<<"$patch")" ]
  [ "$(jq -r .covered <<<"$patch")" -ge 1 ]
  run factory approve calc-mul --yes
  assert_status 0
}
