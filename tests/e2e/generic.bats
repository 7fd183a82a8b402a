#!/usr/bin/env bats
# Language-independent behaviour: processes (timeouts, huge output, daemons, Ctrl-C), bad input,
# and the task commands (new, status, list, abandon, dry-run, task inference).
# Stages the test is not about are replaced by `true` in .factory.toml, so only the subject runs.

load helpers

setup() {
  e2e_setup
  make_repo python-calc
  MARK="$(unique_number)"
}

teardown() {
  [ -z "${MARK:-}" ] || kill_marker "sleep $MARK"
}

# --- processes ---------------------------------------------------------------------------------

@test "generic: a hanging stage is killed at its timeout, reported as timed out, nothing left" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = \"sleep $MARK\"
timeout = \"1s\"
retries = 0"
  cd "$REPO"
  factory new hang --no-tdd

  FACTORY_E2E_TIMEOUT=120 run factory stage hang unit-test
  assert_status 1
  line_with "unit-test" "✗"
  assert_output_has "timed out"
  assert_no_process "sleep $MARK"
}

@test "generic: 200 MB of output stays bounded on screen and in memory, the full log has it all" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = 'yes 0123456789abcdef | head -c 150000000; yes x | tr -d \"\\n\" | head -c 50000000; echo; echo END-OF-OUTPUT-$MARK; exit 3'"
  cd "$REPO"
  factory new loud --no-tdd

  rss_file="$BATS_TEST_TMPDIR/maxrss"
  run python3 -c '
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)' "$rss_file" timeout 600 "$FACTORY_BIN" stage loud unit-test
  assert_status 1
  line_with "unit-test" "✗"
  assert_output_has "END-OF-OUTPUT-$MARK"
  [ "${#output}" -lt 200000 ] || { echo "screen output is ${#output} bytes" >&2; false; }
  # max RSS in KiB of factory (the largest process of the run)
  rss="$(cat "$rss_file")"
  [ "$rss" -lt 200000 ] || { echo "max RSS ${rss} KiB" >&2; false; }

  log="$(ls "$REPO"/.factory/logs/loud/run-*/unit-test.log)"
  [ "$(stat -c %s "$log")" -ge 200000000 ]
  [ "$(grep -c '^0123456789abcdef$' "$log")" -ge 8823529 ]
  tail -c 200 "$log" | grep -q "END-OF-OUTPUT-$MARK"
}

@test "generic: a stage that leaves a background process holding stdout returns, and it is killed" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = \"sleep $MARK & echo started\"
timeout = \"60s\""
  cd "$REPO"
  factory new daemon --no-tdd

  FACTORY_E2E_TIMEOUT=90 run factory stage daemon unit-test
  [ "$status" -ne 124 ] || { echo "factory hung on the open stdout" >&2; false; }
  assert_status 0
  line_with "unit-test" "✓"
  assert_no_process "sleep $MARK"
}

@test "generic: a stage that forks a daemon in its own session holding stdout still returns" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = \"setsid sleep $MARK & echo started\"
timeout = \"60s\""
  cd "$REPO"
  factory new daemon --no-tdd

  FACTORY_E2E_TIMEOUT=90 run factory stage daemon unit-test
  [ "$status" -ne 124 ] || { echo "factory hung on the open stdout" >&2; false; }
  assert_status 0
  line_with "unit-test" "✓"
}

@test "generic: Ctrl-C stops the stage's processes and exits 130" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = \"sleep $MARK\"
timeout = \"120s\""
  cd "$REPO"
  factory new stopme --no-tdd

  "$FACTORY_BIN" stage stopme unit-test >"$BATS_TEST_TMPDIR/out" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    pgrep -f "sleep $MARK" >/dev/null && break
    sleep 0.1
  done
  pgrep -f "sleep $MARK" >/dev/null
  kill -INT "$pid"
  code=0
  wait "$pid" || code=$?
  cat "$BATS_TEST_TMPDIR/out"
  [ "$code" = 130 ]
  assert_no_process "sleep $MARK"
  run factory status stopme
  assert_output_has "interrupted"
}

# --- bad input ---------------------------------------------------------------------------------

@test "generic: an unknown stage name is a usage error" {
  cd "$REPO"
  factory new t1
  run --separate-stderr factory run t1 --from nosuch
  assert_usage_error nosuch
  run --separate-stderr factory stage t1 nosuch
  assert_usage_error nosuch
}

@test "generic: --from after --to is a usage error" {
  cd "$REPO"
  factory new t1
  run --separate-stderr factory run t1 --from lint --to unit-test
  assert_usage_error lint
  [ ! -d "$REPO/.factory/logs/t1/run-1" ]
}

@test "generic: task ids with '/', '..', upper case or a reserved word are refused" {
  cd "$REPO"
  for id in a/b a..b all verify Bad-Id x.lock x.; do
    run --separate-stderr factory new "$id"
    assert_usage_error "$id"
  done
  [ -z "$(git -C "$REPO" branch --list 'factory/*')" ]
  [ ! -e "$REPO.factory" ] || [ -z "$(ls -A "$REPO.factory")" ]

  # ids like issue numbers are fine
  run factory new bd-52.1
  assert_status 0
  [ "$(git -C "$(ws_of bd-52.1)" rev-parse --abbrev-ref HEAD)" = "factory/bd-52.1" ]
}

@test "generic: running outside a repository is a usage error" {
  mkdir -p "$BATS_TEST_TMPDIR/plain"
  cd "$BATS_TEST_TMPDIR/plain"
  export GIT_CEILING_DIRECTORIES="$BATS_TEST_TMPDIR"
  for cmd in "new t1" "run t1" "list" "status t1" "init"; do
    run --separate-stderr factory $cmd
    assert_status 2
    [ -n "$stderr" ]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -le 2 ]
  done
  [ ! -e "$BATS_TEST_TMPDIR/plain/.factory" ]
}

@test "generic: a malformed .factory.toml is reported with file, line and column" {
  cd "$REPO"
  factory new t1
  printf '[stages.unit-test]\ncommand = \n' >"$REPO/.factory.toml"
  run --separate-stderr factory run t1
  assert_status 2
  [[ "$stderr" =~ \.factory\.toml:2:[0-9]+ ]] || { echo "stderr: $stderr" >&2; false; }

  printf '[stages.unit-tset]\ncommand = "true"\n' >"$REPO/.factory.toml"
  run --separate-stderr factory run t1
  assert_status 2
  [[ "$stderr" =~ \.factory\.toml:1:[0-9]+ ]] || { echo "stderr: $stderr" >&2; false; }
  [[ "$stderr" == *unit-tset* ]]

  printf '[stages.unit-test]\ntimeout = "soon"\n' >"$REPO/.factory.toml"
  run --separate-stderr factory run t1
  assert_status 2
  [[ "$stderr" =~ \.factory\.toml:2:[0-9]+ ]] || { echo "stderr: $stderr" >&2; false; }
}

@test "generic: a second new with the same id is refused and the first task is untouched" {
  cd "$REPO"
  factory new t1
  ws="$(ws_of t1)"
  echo "work in progress" >"$ws/notes.txt"
  run --separate-stderr factory new t1
  [ "$status" -ne 0 ]
  [ "$status" -ne 1 ]
  [[ "$stderr" == *t1* ]]
  [ "$(cat "$ws/notes.txt")" = "work in progress" ]
  [ "$(git -C "$ws" rev-parse --abbrev-ref HEAD)" = "factory/t1" ]
}

@test "generic: new with a dirty main tree warns and still works, the main tree is left alone" {
  cd "$REPO"
  echo "# local edit" >>"$REPO/calc.py"
  echo "scratch" >"$REPO/scratch.txt"
  run --separate-stderr factory new t1
  assert_status 0
  [[ "$stderr" == *"uncommitted changes"* ]] || { echo "stderr: $stderr" >&2; false; }
  ws="$(ws_of t1)"
  assert_clean "$ws"
  [ ! -e "$ws/scratch.txt" ]
  tail -1 "$REPO/calc.py" | grep -q "# local edit"
  [ "$(cat "$REPO/scratch.txt")" = scratch ]
}

# --- task commands -----------------------------------------------------------------------------

@test "generic: --dry-run prints every stage's command and changes nothing" {
  write_config '[stages.unit-test]
command = "touch dry-run-ran"'
  cd "$REPO"
  factory new t1 --no-tdd
  ws="$(ws_of t1)"
  echo "# edit" >>"$ws/calc.py"
  head_before="$(git -C "$ws" rev-parse HEAD)"
  st_before="$(git -C "$ws" status --porcelain)"

  run factory run t1 --dry-run
  assert_status 0
  for s in tdd-setup implement unit-test coverage lint static integration security review accept; do
    assert_output_has "$s"
  done
  line_with "unit-test" "touch dry-run-ran"
  assert_output_has "python3 -m"
  [ ! -e "$ws/dry-run-ran" ]
  [ "$(git -C "$ws" rev-parse HEAD)" = "$head_before" ]
  [ "$(git -C "$ws" status --porcelain)" = "$st_before" ]
  [ ! -e "$REPO/.factory/logs/t1/run-1" ]
  run factory status t1 --json
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"] == "created", d' <<<"$output"
}

@test "generic: status --json and list --json are valid JSON with the task's facts" {
  cd "$REPO"
  factory new t1
  factory new t2 --no-tdd
  run --separate-stderr factory status t1 --json
  assert_status 0
  printf '%s' "$output" | python3 -m json.tool >/dev/null
  WS="$(ws_of t1)" python3 -c '
import json, os, sys
d = json.load(sys.stdin)
assert d["id"] == "t1", d
assert d["status"] == "created", d
assert d["lang"] == "python", d
assert d["branch"] == "factory/t1", d
assert os.path.realpath(d["workspace"]) == os.path.realpath(os.environ["WS"]), d
assert isinstance(d["stages"], list), d
' <<<"$output"

  run --separate-stderr factory list --json
  assert_status 0
  python3 -c '
import json, sys
d = json.load(sys.stdin)
assert sorted(t["id"] for t in d) == ["t1", "t2"], d
' <<<"$output"

  run factory list
  assert_status 0
  line_with "t1" "created" "python"
  line_with "t2" "created" "python"
  [ "$(printf '%s\n' "$output" | grep -c .)" = 2 ]
}

@test "generic: abandon removes workspace and branch, keeps the last commit and the history" {
  write_config "$(trivial_stages_except)"
  cd "$REPO"
  factory new t1 --no-tdd
  ws="$(ws_of t1)"
  echo "# kept" >>"$ws/calc.py"
  run factory stage t1 implement
  assert_status 0
  [ "$(task_commit_count t1)" = 1 ]
  tip="$(git -C "$REPO" rev-parse factory/t1)"

  run factory abandon t1
  assert_status 0
  [ ! -e "$ws" ]
  refute git -C "$REPO" rev-parse --verify -q refs/heads/factory/t1
  [ "$(git -C "$REPO" rev-parse refs/factory/abandoned/t1)" = "$tip" ]
  refute grep -qF "$ws" <(git -C "$REPO" worktree list)
  run factory status t1
  assert_status 0
  assert_output_has "abandoned"
  run factory list
  line_with "t1" "abandoned"
}

@test "generic: inside the workspace the task is inferred" {
  cd "$REPO"
  factory new t1 --no-tdd
  ws="$(ws_of t1)"
  cd "$ws/tests"
  run factory status
  assert_status 0
  assert_output_has "t1"
  cd "$ws"

  sed -i 's/return a - b/return a - b  # noqa/' calc.py
  python3 -m black -q calc.py
  run factory run --to unit-test
  assert_status 0
  line_with "unit-test" "✓"
  line_with "committed"
  [ "$(task_commit_count t1)" = 1 ]

  # in the main worktree there is nothing to infer
  cd "$REPO"
  run --separate-stderr factory run
  assert_status 2
  [ -n "$stderr" ]
}

@test "generic: without a TTY there are no ANSI escapes, even without NO_COLOR" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = \"test ! -e bad.txt\""
  unset NO_COLOR
  cd "$REPO"
  factory new t1 --no-tdd
  echo bad >"$(ws_of t1)/bad.txt"
  run factory run t1
  assert_status 1
  line_with "reverted 1 file"
  refute grep -q $'\e' <<<"$output"
  run factory status t1
  refute grep -q $'\e' <<<"$output"
}

@test "generic: factory's own files never make the main tree dirty for the next new" {
  cd "$REPO"
  run --separate-stderr factory new t1
  assert_status 0
  [ -f "$REPO/.factory/state.db" ]
  run --separate-stderr factory new t2
  assert_status 0
  [ -d "$(ws_of t2)" ]
  [[ "$stderr" != *"uncommitted"* ]] || { echo "stderr: $stderr" >&2; false; }
  # What is left to commit is what belongs in git: .factory/.gitignore, the contracts and the
  # rollout plans.
  [ -z "$(git -C "$REPO" status --porcelain --untracked-files=all |
    grep -v -e '^?? \.factory/\.gitignore$' -e '^?? \.factory/t[12]/contract\.yaml$' \
      -e '^?? \.factory/t[12]/deployment\.yaml$' || true)" ]
}

@test "generic: new refuses an existing workspace path and leaves no half-created task" {
  cd "$REPO"
  mkdir -p "$REPO.factory"
  echo "not yours" >"$REPO.factory/t1"
  run --separate-stderr factory new t1
  assert_status 2
  [[ "$stderr" == *"$REPO.factory/t1"* ]]
  [ "$(cat "$REPO.factory/t1")" = "not yours" ]
  [ -z "$(git -C "$REPO" branch --list 'factory/*')" ]
  run factory list
  refute line_with "t1"
}

@test "generic: unrevert N brings back the Nth discarded change" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = \"test ! -e bad.txt\""
  cd "$REPO"
  factory new t1 --no-tdd
  ws="$(ws_of t1)"
  echo one >"$ws/first.txt" && echo bad >"$ws/bad.txt"
  run factory run t1
  assert_status 1
  line_with "A first.txt"
  echo two >"$ws/second.txt" && echo bad >"$ws/bad.txt"
  run factory run t1
  assert_status 1
  line_with "A second.txt"
  assert_clean "$ws"

  run factory unrevert t1 1
  assert_status 0
  assert_output_has "first.txt"
  [ "$(cat "$ws/first.txt")" = one ]
  [ ! -e "$ws/second.txt" ]
}

@test "generic: unrevert merges with later edits, and refuses a conflict losing nothing" {
  cd "$REPO"
  factory new t1 --no-tdd
  ws="$(ws_of t1)"
  sed -i 's/return a - b/return a + b/' "$ws/calc.py"
  run factory run t1
  assert_status 1
  line_with "M calc.py"

  # an edit elsewhere in the file: both survive
  echo "# my newer edit" >>"$ws/calc.py"
  run factory unrevert t1
  assert_status 0
  tail -1 "$ws/calc.py" | grep -q "# my newer edit"
  grep -q 'return a + b' "$ws/calc.py"

  # a conflicting edit of the same line: refused, the edit stays
  run factory run t1
  assert_status 1
  sed -i 's/return a - b/return a * b/' "$ws/calc.py"
  run --separate-stderr factory unrevert t1
  [ "$status" -ne 0 ]
  [ "$status" -ne 1 ]
  [ -n "$stderr" ]
  grep -q 'return a \* b' "$ws/calc.py"
}

@test "generic: status --json after a run has each stage's outcome, tree and log" {
  write_config "$(trivial_stages_except)"
  cd "$REPO"
  factory new t1 --no-tdd
  echo "# edit" >>"$(ws_of t1)/calc.py"
  run factory run t1
  assert_status 0
  run --separate-stderr factory status t1 --json
  assert_status 0
  python3 -c '
import json, os, sys
d = json.load(sys.stdin)
assert d["status"] == "ready_for_decision", d["status"]
by = {s["stage"]: s for s in d["stages"]}
assert len(by) == 10, sorted(by)
assert by["tdd-setup"]["outcome"] == "skipped", by["tdd-setup"]
for name in ("implement", "unit-test", "review", "accept"):
    s = by[name]
    assert s["outcome"] == "passed", s
    assert s["exit_code"] == 0, s
    assert len(s["tree_id"]) == 40, s
for name in ("implement", "unit-test", "accept"):
    assert os.path.isfile(by[name]["log"]), by[name]
' <<<"$output"
}

@test "generic: an abandoned task cannot run again (blocked, exit 3)" {
  cd "$REPO"
  factory new t1 --no-tdd
  factory abandon t1
  run --separate-stderr factory run t1
  assert_status 3
  [[ "$stderr" == *abandoned* ]] || { echo "stderr: $stderr" >&2; false; }
}

@test "generic: abandon infers the task inside its workspace" {
  cd "$REPO"
  factory new t1 --no-tdd
  ws="$(ws_of t1)"
  cd "$ws"
  run factory abandon
  assert_status 0
  assert_output_has "abandoned task t1"
  cd "$REPO"
  [ ! -e "$ws" ]
  git -C "$REPO" rev-parse --verify -q refs/factory/abandoned/t1
}

@test "generic: [workspace] backend = \"jj\" without .jj/ is a config error" {
  write_config '[workspace]
backend = "jj"'
  cd "$REPO"
  run --separate-stderr factory new t1
  assert_usage_error ".jj"
  refute git -C "$REPO" rev-parse --verify -q refs/heads/factory/t1
}
