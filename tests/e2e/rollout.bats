#!/usr/bin/env bats
# factory deploy and the flag rollout (docs/ROLLOUT.md) on a real approved task: the squash
# integration on main, then the flagd file turned up 1% → 10% → 100% while a real app
# (fixtures/rollout_app.py on 127.0.0.1) reads it, probed with real curl; decisions, automatic
# rollback of a bad build, a killed rollout resumed, Ctrl-C, and the refusals.

load helpers

FIXTURES="$BATS_TEST_DIRNAME/fixtures"

setup() {
  e2e_setup
  export FACTORY_ACTOR=lewis
  APP_PID=""
}

teardown() {
  [ -z "$APP_PID" ] || kill "$APP_PID" 2>/dev/null || true
}

# An approved python-calc task "calc" that adds mul() with its test; only unit-test is real.
approved_task() {
  make_repo python-calc
  cd "$REPO"
  write_config "$(trivial_stages_except unit-test)"
  factory new calc --no-tdd >/dev/null
  local ws
  ws="$(ws_of calc)"
  printf '\n\ndef mul(a: int, b: int) -> int:\n    return a * b\n' >>"$ws/calc.py"
  printf '\n\ndef test_mul() -> None:\n    assert calc.mul(4, 3) == 12\n' >>"$ws/tests/test_calc.py"
  printf 'approvers: [lewis]\n' >>"$REPO/.factory/calc/contract.yaml"
  factory run calc >/dev/null
  factory approve calc --yes >/dev/null 2>&1
}

# start_app good|bad: the app on a free port of 127.0.0.1, reading the project's flag file.
start_app() {
  FLAGS="$REPO/.factory/flags.json"
  python3 "$FIXTURES/rollout_app.py" "$FLAGS" calc-mul "$1" "$BATS_TEST_TMPDIR/port" 3>&- &
  APP_PID=$!
  for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.1; done
  PORT="$(cat "$BATS_TEST_TMPDIR/port")"
  APP="http://127.0.0.1:$PORT"
  SEEN="$BATS_TEST_TMPDIR/seen"
}

# plan <canary duration> <yaml of the steps after the canary>: deployment.yaml with a canary
# step at 1% watched by the error-rate rule and by a probe that logs what the app serves.
plan() {
  cat >"$REPO/.factory/calc/deployment.yaml" <<YAML
deployment:
  flag: calc-mul
  strategy: gradual
  interval: 1s
  steps:
    - name: canary
      percentage: 1
      duration: $1
      auto_rollback_on:
        - metric: error_rate
          probe: "curl -fsS $APP/metrics/error_rate"
          above: 0.005
        - metric: on_fraction
          probe: "curl -fsS $APP/metrics/on_fraction | tee -a $SEEN"
          above: 1.5
$2
YAML
}

# latency_plan <rule line>...: one 5% step watched for 20s by a latency rule made of the lines.
latency_plan() {
  {
    printf 'deployment:\n  interval: 1s\n  steps:\n    - name: canary\n      percentage: 5\n'
    printf '      duration: 20s\n      auto_rollback_on:\n        - metric: latency\n'
    printf '          above: 1\n'
    printf '          %s\n' "$@"
  } >"$REPO/.factory/calc/deployment.yaml"
}

flag_percentage() {
  jq -r '.flags["calc-mul"].targeting.fractional[0][1]' "$FLAGS"
}

rollout_field() {
  factory rollout status calc --json | jq -r ".$1"
}

events_of() {
  factory audit export --jsonl | jq -c "select(.task == \"calc\" and .action == \"$1\")"
}

# wait_for_state <state> <percentage>: polls rollout status until the rollout is there.
wait_for_state() {
  for _ in $(seq 1 200); do
    if [ "$(rollout_field state 2>/dev/null)" = "$1" ] &&
      [ "$(rollout_field percentage 2>/dev/null)" = "$2" ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

@test "rollout: approve → deploy → 1% → decision → 10% → approval → 100% → monitoring_complete" {
  approved_task
  start_app good
  # a flag of someone else's in the file stays exactly as it was
  printf '{\n  "flags": {\n    "dark-mode": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}\n  }\n}\n' >"$REPO/.factory/flags.json"
  plan 2s "    - name: early_adopters
      percentage: 10
      duration: 2s
      requires_decision: true
    - name: production
      percentage: 100
      duration: 1s
      requires_approval: true"
  base_before="$(git -C "$REPO" rev-parse main)"

  run --separate-stderr factory deploy calc --yes </dev/null
  echo "$stderr"
  assert_status 0
  assert_output_has "deployed calc by lewis"
  assert_output_has "waiting for a decision: factory rollout advance calc"

  # one squash commit on main, carrying the task, the approver and the stages; main is clean
  [ "$(git -C "$REPO" rev-parse main~1)" = "$base_before" ]
  [ "$(git -C "$REPO" rev-list --count "$base_before..main")" = 1 ]
  msg="$(git -C "$REPO" log -1 --format=%B main)"
  [[ "$msg" == *"Factory-Task: calc"* ]]
  [[ "$msg" == *"Factory-Approved-By: lewis"* ]]
  [[ "$msg" == *"Factory-Stages: "*"unit-test=passed"* ]]
  grep -q "def mul" "$REPO/calc.py"
  [ -z "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]

  # 1%: the file says so and the app serves it to about 1% of its users
  [ "$(flag_percentage)" = 1 ]
  [ "$(jq -r '.flags["dark-mode"].defaultVariant' "$FLAGS")" = off ]
  frac="$(curl -fsS "$APP/metrics/on_fraction")"
  awk -v f="$frac" 'BEGIN { exit !(f > 0 && f < 0.05) }'
  [ "$(rollout_field state)" = waiting_decision ]
  run factory status calc --json
  [ "$(jq -r .status <<<"$output")" = monitoring ]

  # without a terminal and without --yes, the decision is refused and nothing moves
  run --separate-stderr factory rollout advance calc </dev/null
  assert_status 3
  [[ "$stderr" == *"waits for a decision at 1%"* ]]
  [ "$(flag_percentage)" = 1 ]

  run --separate-stderr factory rollout advance calc --yes </dev/null
  echo "$stderr"
  assert_status 0
  [[ "$stderr" == *"Canary at 1% for 2.0s: error_rate max 0"* ]]
  [[ "$stderr" == *"Ready for 10%?"* ]]
  [ "$(flag_percentage)" = 10 ]
  frac="$(curl -fsS "$APP/metrics/on_fraction")"
  awk -v f="$frac" 'BEGIN { exit !(f > 0.05 && f < 0.2) }'

  # production requires approval: someone outside the approvers list cannot take it to 100%
  run --separate-stderr env FACTORY_ACTOR=mallory "$FACTORY_BIN" rollout advance calc --yes </dev/null
  assert_status 3
  echo "$stderr"
  [[ "$stderr" == *"mallory"* ]]
  [ "$(flag_percentage)" = 10 ]

  run --separate-stderr factory rollout advance calc --yes </dev/null
  echo "$stderr"
  assert_status 0
  assert_output_has "monitoring complete, flag calc-mul stays at 100%"
  [ "$(flag_percentage)" = 100 ]
  [ "$(curl -fsS "$APP/metrics/on_fraction")" = 1.000 ]
  run factory status calc --json
  [ "$(jq -r .status <<<"$output")" = monitoring_complete ]

  # the app saw each step in turn: ~1%, then ~10%, then everyone
  awk 'NR == 1 { first = $1 } { last = $1 } END { exit !(first < 0.05 && last == 1) }' "$SEEN"
  grep -Eq '^0\.(0[5-9]|1[0-9])' "$SEEN"

  # every step and decision is in the audit trail, decisions with the metrics shown
  [ "$(events_of rollout_step | wc -l)" = 3 ]
  [ "$(events_of rollout_decision | wc -l)" = 2 ]
  [[ "$(events_of rollout_decision | head -1 | jq -r '.payload | fromjson | .metrics')" == *"error_rate max"* ]]

  # cleanup removes factory's flag and nothing else
  run factory flag cleanup calc
  assert_status 0
  [ "$(jq -r '.flags | keys | join(",")' "$FLAGS")" = dark-mode ]
}

@test "rollout: at a terminal deploy asks, shows the canary's metrics, and no keeps the flag" {
  approved_task
  start_app good
  plan 1s "    - name: everyone
      percentage: 100
      requires_decision: true"
  run script -qec "$FACTORY_BIN deploy calc" /dev/null < <(sleep 2; printf 'y\n'; sleep 5; printf 'n\n'; sleep 2)
  assert_status 3
  [[ "$output" == *"Integrate calc and roll its flag out (1% → 100%)? [y/N]"* ]]
  [[ "$output" == *"Canary at 1% for 1.0s: error_rate max 0, on_fraction max 0.0"* ]]
  [[ "$output" == *"Ready for 100%? [y/N]"* ]]
  [[ "$output" == *"not advanced: flag calc-mul stays at 1%"* ]]
  [ "$(flag_percentage)" = 1 ]
  [ "$(events_of rollout_held | wc -l)" = 1 ]
  [ "$(rollout_field state)" = waiting_decision ]
}

@test "rollout: a flag file outside .factory/ does not count as uncommitted work for the next deploy" {
  approved_task
  printf '[flags]\nfile = "flags.json"\n' >>"$REPO/.factory.toml"
  commit_all "flags at the root"
  FLAGS="$REPO/flags.json"
  printf 'deployment:\n  flag: calc-mul\n  steps:\n    - {name: all, percentage: 100}\n' >"$REPO/.factory/calc/deployment.yaml"
  factory new calc2 --no-tdd >/dev/null
  printf 'def sub(a: int, b: int) -> int:\n    return a - b\n' >"$(ws_of calc2)/calc_sub.py"
  factory run calc2 >/dev/null
  factory approve calc2 --yes >/dev/null 2>&1
  printf 'deployment:\n  steps:\n    - {name: all, percentage: 100}\n' >"$REPO/.factory/calc2/deployment.yaml"
  run --separate-stderr factory deploy calc --yes </dev/null
  assert_status 0
  [ "$(flag_percentage)" = 100 ]
  run --separate-stderr factory deploy calc2 --yes </dev/null
  echo "$stderr"
  assert_status 0
  [ "$(jq -r '.flags.calc2.targeting.fractional[0][1]' "$FLAGS")" = 100 ]
}

@test "rollout: a manual rollout moves only with rollout set" {
  approved_task
  start_app good
  plan 0s ""
  run --separate-stderr factory deploy calc --yes --strategy manual </dev/null
  assert_status 0
  assert_output_has "factory rollout set calc N"
  [ "$(flag_percentage)" = null ] || [ "$(flag_percentage)" = 0 ] || [ ! -e "$FLAGS" ]
  run --separate-stderr factory rollout set calc 30 </dev/null
  assert_status 0
  [ "$(flag_percentage)" = 30 ]
  frac="$(curl -fsS "$APP/metrics/on_fraction")"
  awk -v f="$frac" 'BEGIN { exit !(f > 0.2 && f < 0.4) }'
  run --separate-stderr factory rollout set calc 101
  assert_status 2
  run --separate-stderr factory rollout set calc 100 </dev/null
  assert_status 0
  assert_output_has "monitoring complete"
  [ "$(flag_percentage)" = 100 ]
}

@test "rollout: a bad build trips the error-rate rule at 1% and is rolled back to 0% at once" {
  approved_task
  start_app bad
  plan 30s "    - name: everyone
      percentage: 100"

  run --separate-stderr factory deploy calc --yes </dev/null
  echo "$stderr"
  assert_status 1
  assert_output_has "rolled back, flag calc-mul at 0%"
  assert_output_has "error_rate"
  [ "$(flag_percentage)" = 0 ]
  [ "$(curl -fsS "$APP/metrics/on_fraction")" = 0.000 ]
  run factory status calc --json
  [ "$(jq -r .status <<<"$output")" = rolled_back ]
  event="$(events_of rolled_back)"
  [ "$(jq -r '.payload | fromjson | .automatic' <<<"$event")" = true ]
  [[ "$(jq -r '.payload | fromjson | .evidence' <<<"$event")" == 0.0* ]]
  [[ "$(jq -r '.payload | fromjson | .reason' <<<"$event")" == *"above 0.005"* ]]
  # the integration itself stays on main: the flag is what turned the change off
  grep -q "def mul" "$REPO/calc.py"
}

@test "rollout: a killed rollout is seen as stopped and resume continues where it was" {
  approved_task
  start_app good
  plan 4s "    - name: everyone
      percentage: 100
      duration: 1s"

  "$FACTORY_BIN" deploy calc --yes </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
  pid=$!
  wait_for_state monitoring 1
  kill -KILL "$pid"
  wait "$pid" || true
  [ "$(flag_percentage)" = 1 ]
  run factory rollout status calc
  assert_output_has "stopped"
  assert_output_has "factory rollout resume calc"

  run --separate-stderr factory rollout resume calc </dev/null
  echo "$stderr"
  assert_status 0
  assert_output_has "monitoring complete"
  [ "$(flag_percentage)" = 100 ]
  # the canary step was resumed, not started again
  [ "$(events_of rollout_step | jq -r '.payload | fromjson | .step' | grep -c canary)" = 1 ]
}

@test "rollout: Ctrl-C during monitoring keeps the flag where it is, says so, and resume continues" {
  approved_task
  start_app good
  plan 30s ""

  "$FACTORY_BIN" deploy calc --yes </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
  pid=$!
  wait_for_state monitoring 1
  kill -INT "$pid"
  code=0
  wait "$pid" || code=$?
  cat "$BATS_TEST_TMPDIR/out"
  [ "$code" = 130 ]
  grep -q "factory rollout resume calc" "$BATS_TEST_TMPDIR/out"
  [ "$(flag_percentage)" = 1 ]
  [ "$(rollout_field state)" = interrupted ]
  run factory status calc --json
  [ "$(jq -r .status <<<"$output")" = monitoring ]

  # a person rolls it back by hand instead of resuming
  run factory rollback calc --reason "saw latency in the dashboards"
  assert_status 0
  [ "$(flag_percentage)" = 0 ]
  [ "$(jq -r '.payload | fromjson | .reason' <<<"$(events_of rolled_back)")" = "saw latency in the dashboards" ]
  run --separate-stderr factory rollout resume calc
  assert_status 3
}

@test "rollout: a hand edit of the flag meanwhile stops the rollout; a rollback still turns it off" {
  approved_task
  start_app good
  plan 0s "    - name: everyone
      percentage: 100
      requires_decision: true"
  run --separate-stderr factory deploy calc --yes </dev/null
  assert_status 0
  [ "$(flag_percentage)" = 1 ]
  jq '.flags["calc-mul"].targeting.fractional = [["on", 50], ["off", 50]]' "$FLAGS" >"$FLAGS.new"
  mv "$FLAGS.new" "$FLAGS"
  cp "$FLAGS" "$BATS_TEST_TMPDIR/edited.json"

  run --separate-stderr factory rollout advance calc --yes </dev/null
  assert_status 3
  [[ "$stderr" == *"changed outside factory: it holds 50% where factory set 1%"* ]]
  cmp "$FLAGS" "$BATS_TEST_TMPDIR/edited.json"

  run --separate-stderr factory rollback calc --reason "someone set 50% by hand"
  assert_status 0
  [ "$(flag_percentage)" = 0 ]
  [ "$(jq -r '.payload | fromjson | .file_held' <<<"$(events_of rolled_back)")" = 50% ]
}

@test "rollout: probes that hang or print garbage fire their failure_limit" {
  approved_task
  latency_plan 'probe: "echo not-a-number"' 'failure_limit: 2'
  run --separate-stderr factory deploy calc --yes </dev/null
  assert_status 1
  [[ "$output" == *"failed 2 times in a row"* ]]
  [[ "$output" == *"no number"* ]]
  [ "$(jq -r '.flags.calc.targeting.fractional[0][1]' "$REPO/.factory/flags.json")" = 0 ]
}

@test "rollout: a hanging probe times out and counts as a failure" {
  approved_task
  latency_plan 'probe: "sleep 30"' 'timeout: 1s' 'failure_limit: 1'
  run --separate-stderr factory deploy calc --yes </dev/null
  assert_status 1
  [[ "$output" == *"timed out"* ]]
}

@test "rollout: refusals leave main and the flag file untouched" {
  approved_task
  # factory new wrote the default plan, which names the task's flag
  grep -q '^  flag: "calc"' "$REPO/.factory/calc/deployment.yaml"
  base="$(git -C "$REPO" rev-parse main)"
  # not approved
  factory new early --no-tdd >/dev/null
  run --separate-stderr factory deploy early --yes
  assert_status 3
  [[ "$stderr" == *"not approved"* ]]

  # a flag file that is not JSON: a usage error with line:col, and nothing integrated
  printf '{\n  "flags": {,\n}\n' >"$REPO/.factory/flags.json"
  run --separate-stderr factory deploy calc --yes
  assert_usage_error "flags.json:2:"
  [ "$(git -C "$REPO" rev-parse main)" = "$base" ]
  rm "$REPO/.factory/flags.json"

  # factory's flag in a shape factory does not write, or another task's flag: refused up front
  printf '{"flags": {"calc-other": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off", "targeting": {"if": [true, "on", "off"]}, "metadata": {"owner": "factory", "task": "calc"}}}}\n' >"$REPO/.factory/flags.json"
  printf 'deployment:\n  flag: calc-other\n  steps:\n    - {name: a, percentage: 100}\n' >"$REPO/.factory/calc/deployment.yaml"
  run --separate-stderr factory deploy calc --yes
  assert_status 2
  [ "$(git -C "$REPO" rev-parse main)" = "$base" ]
  jq '.flags["calc-other"].metadata.task = "older-task" | .flags["calc-other"].targeting = {"fractional": [["on", 100], ["off", 0]]}' "$REPO/.factory/flags.json" >"$BATS_TEST_TMPDIR/f.json"
  mv "$BATS_TEST_TMPDIR/f.json" "$REPO/.factory/flags.json"
  run --separate-stderr factory deploy calc --yes
  assert_status 3
  [[ "$stderr" == *"belongs to task 'older-task'"* ]]
  [ "$(git -C "$REPO" rev-parse main)" = "$base" ]
  [ "$(jq -r '.flags["calc-other"].targeting.fractional[0][1]' "$REPO/.factory/flags.json")" = 100 ]
  rm "$REPO/.factory/flags.json"

  # a plan whose percentages go down
  cat >"$REPO/.factory/calc/deployment.yaml" <<'YAML'
deployment:
  steps:
    - {name: a, percentage: 10}
    - {name: b, percentage: 5}
YAML
  run --separate-stderr factory deploy calc --yes
  assert_usage_error "deployment.yaml:4:"
  [ "$(git -C "$REPO" rev-parse main)" = "$base" ]

  # no terminal, no --yes
  printf 'deployment:\n  steps:\n    - {name: a, percentage: 100}\n' >"$REPO/.factory/calc/deployment.yaml"
  run --separate-stderr factory deploy calc </dev/null
  assert_status 3
  [[ "$stderr" == *"without a person at a terminal"* ]]

  # the base moved and changed the same lines: refused, nothing half done
  printf '\n\ndef mul(a, b):\n    return b * a\n' >>"$REPO/calc.py"
  commit_all "a conflicting mul on main"
  base="$(git -C "$REPO" rev-parse main)"
  run --separate-stderr factory deploy calc --yes
  assert_status 3
  [[ "$stderr" == *"calc.py"* ]]
  [ "$(git -C "$REPO" rev-parse main)" = "$base" ]
  [ -z "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]
  [ ! -e "$REPO/.factory/flags.json" ]
  run factory status calc --json
  [ "$(jq -r .status <<<"$output")" = approved ]
}
