#!/usr/bin/env bats
# The user-facing side of error extraction: `factory extract` as a standalone filter (no
# repository, no config), and `factory explain` / `factory log` on a task whose stage went red.
# The logs use gcc-style lines, which every build of the extractor recognises.

load helpers

setup() {
  e2e_setup
  unset GITHUB_ACTIONS
  OUT="$BATS_TEST_TMPDIR/outside"
  mkdir -p "$OUT"
}

# A gcc-like log with one error, one warning and noise around them.
write_log() {
  cat >"$1" <<'LOG'
[ 50%] Building C object CMakeFiles/app.dir/src/a.c.o
src/b.c:7:2: warning: unused variable 'x' [-Wunused-variable]
src/a.c:3:5: error: expected ';' before '}' token
    3 | int y
      |     ^
make[2]: *** [CMakeFiles/app.dir/build.make:76: CMakeFiles/app.dir/src/a.c.o] Error 1
LOG
}

is_one_json_document() {
  printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)'
}

# --- factory extract ---------------------------------------------------------------------------

@test "extract: a file outside any repository, text: root cause first, others, summary, exit 1" {
  cd "$OUT"
  refute git rev-parse --git-dir 2>/dev/null
  write_log build.log
  run --separate-stderr factory extract build.log
  assert_status 1
  [[ "${lines[0]}" == "ROOT CAUSE"*"expected ';' before '}' token"* ]]
  [[ "${lines[1]}" == *"src/a.c:3:5" ]]
  assert_output_has "CONTEXT"
  line_with "src/b.c:7:2: warning: unused variable 'x'"
  line_with "SUMMARY"
  [ -z "$stderr" ]
}

@test "extract: stdin outside any repository, --format json is exactly one JSON document" {
  cd "$OUT"
  write_log build.log
  run --separate-stderr factory extract --format json <build.log
  assert_status 1
  is_one_json_document "$output"
  first="$(printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d["findings"][0]
assert set(f) >= {"tool", "severity", "file", "line", "column", "message", "code", "context"}, f
assert isinstance(d["summary"], str) and d["summary"]
print("{}:{}:{} {}".format(f["file"], f["line"], f["column"], f["severity"]))')"
  [ "$first" = "src/a.c:3:5 error" ]
}

@test "extract: --format sarif is one SARIF 2.1.0 document" {
  cd "$OUT"
  write_log build.log
  run --separate-stderr factory extract --format sarif build.log
  assert_status 1
  printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == "2.1.0"
r = d["runs"][0]["results"][0]
assert r["level"] == "error"
loc = r["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "src/a.c" and loc["region"]["startLine"] == 3, loc'
}

@test "extract: --format github caps errors at 10 and says how many were left out" {
  cd "$OUT"
  for i in $(seq 1 14); do echo "src/m$i.c:$i:2: error: broken number $i"; done >many.log
  run factory extract --format github many.log
  assert_status 1
  [ "$(grep -c '^::error ' <<<"$output")" -eq 10 ]
  line_with "4 errors not annotated"
  line_with "::error file=src/m1.c,line=1,col=2"
}

@test "extract: GITHUB_ACTIONS=true (or --ci) defaults to annotations; --format still wins" {
  cd "$OUT"
  write_log build.log
  GITHUB_ACTIONS=true run factory extract build.log
  assert_status 1
  [[ "${lines[0]}" == "::error file=src/a.c,line=3,col=5,"*"::expected ';' before '}' token" ]]
  line_with "::warning file=src/b.c,line=7,col=2"
  run factory extract --ci <build.log
  [[ "${lines[0]}" == "::error file=src/a.c"* ]]
  GITHUB_ACTIONS=true run --separate-stderr factory extract --format json build.log
  is_one_json_document "$output"
}

@test "extract: an empty log is no error, exit 0, in every format" {
  cd "$OUT"
  : >empty.log
  run factory extract empty.log
  assert_status 0
  assert_output_has "no error recognised"
  run --separate-stderr factory extract --format json <empty.log
  assert_status 0
  is_one_json_document "$output"
  [ "$(printf '%s' "$output" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')" = 0 ]
  run factory extract --format github empty.log
  assert_status 0
  assert_output_lacks "::error"
}

@test "extract: warnings only exit 0" {
  cd "$OUT"
  echo "src/b.c:7:2: warning: unused variable 'x'" >warn.log
  run factory extract warn.log
  assert_status 0
  assert_output_has "unused variable"
}

@test "extract: an unknown format or an unreadable file is a usage error, exit 2" {
  cd "$OUT"
  write_log build.log
  run --separate-stderr factory extract --format xml build.log
  assert_usage_error "unknown format 'xml'"
  [[ "$stderr" == *"hint:"*"json"* ]]
  run --separate-stderr factory extract missing.log
  assert_usage_error "missing.log"
  run --separate-stderr factory extract "$OUT"
  assert_usage_error "is a directory"
}

@test "extract: inside a repository its [[extract.patterns]] are used, and a broken config only warns" {
  make_repo python-calc
  write_config '[[extract.patterns]]
tool = "houselint"
regex = '"'"'^HOUSE (?P<file>\S+) (?P<line>\d+) (?P<message>.+)$'"'"''
  cd "$REPO"
  printf 'noise\nHOUSE lib/x.py 12 no tabs allowed\n' >house.log
  run --separate-stderr factory extract --format json house.log
  assert_status 1
  printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"][0]
assert (f["tool"], f["file"], f["line"]) == ("houselint", "lib/x.py", 12), f'

  printf '[extract]\nbogus = 1\n' >.factory.toml
  write_log build.log
  run --separate-stderr factory extract build.log
  assert_status 1
  [[ "$stderr" == *"warning:"*"bogus"* ]]
  assert_output_has "src/a.c:3:5"
}

# --- explain and log ---------------------------------------------------------------------------

# A task whose unit-test stage fails with a gcc-style error after a change to calc.py.
red_task() {
  make_repo python-calc
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = \"echo building; echo 'src/calc.c:42:7: error: use of undeclared identifier total'; exit 1\"
$1"
  cd "$REPO"
  factory new red --no-tdd
  cd "$(ws_of red)"
  echo "RED_MARKER = 1" >>calc.py
  run factory run red --to unit-test
  assert_status 1
}

@test "explain: the configured agent gets the prompt on stdin, naming the failing file:line" {
  red_task '[agents.debug]
command = "cat > \"$PROMPT_OUT\"; echo the agent answered"
timeout = "30s"'
  export PROMPT_OUT="$BATS_TEST_TMPDIR/prompt.txt"
  run --separate-stderr factory explain red
  assert_status 0
  assert_output_has "the agent answered"
  grep -q "src/calc.c:42:7" "$PROMPT_OUT"
  grep -q "use of undeclared identifier total" "$PROMPT_OUT"
  grep -q "RED_MARKER = 1" "$PROMPT_OUT"        # the reverted change
  grep -q "allowed_files" "$PROMPT_OUT"         # the contract
  [[ "$stderr" == *"asking the debug agent"* ]]
}

@test "explain: a failing agent is reported, exit 1" {
  red_task '[agents.debug]
command = "exit 3"'
  run --separate-stderr factory explain red unit-test
  assert_status 1
  [[ "$stderr" == *"the debug agent exited with 3"* ]]
}

@test "explain: without an agent it prints the prompt; no red stage is exit 2 with a hint" {
  red_task ""
  run --separate-stderr factory explain
  assert_status 0
  assert_output_has "src/calc.c:42:7"
  assert_output_has "unit-test"
  [[ "$stderr" == *"no [agents.debug] command"* ]]

  run --separate-stderr factory explain red implement
  assert_usage_error "not red"
  run --separate-stderr factory explain nosuchtask
  assert_usage_error "no task 'nosuchtask'"
}

@test "log: prints the red stage's full log when stdout is not a terminal" {
  red_task ""
  run --separate-stderr factory log red
  assert_status 0
  [ "${lines[0]}" = "building" ]
  [ "${lines[1]}" = "src/calc.c:42:7: error: use of undeclared identifier total" ]
  run factory log unit-test
  assert_status 0
  assert_output_has "undeclared identifier"
  run factory log red implement
  assert_status 0
  assert_output_lacks "undeclared"
}

@test "log: a stage that never ran or a deleted log is a clear error" {
  red_task ""
  run --separate-stderr factory log red lint
  assert_usage_error "has not run yet"
  rm -rf "$REPO/.factory/logs"
  run --separate-stderr factory log red
  assert_usage_error "log of unit-test is missing"
}

@test "explain and log: a task that never ran says so and hints factory run" {
  make_repo python-calc
  cd "$REPO"
  factory new fresh --no-tdd
  run --separate-stderr factory explain fresh
  assert_usage_error "task fresh has not run yet"
  [[ "$stderr" == *"factory run fresh"* ]]
  [[ "$stderr" != *"passed"* ]]
  run --separate-stderr factory log fresh
  assert_usage_error "task fresh has not run yet"
  [[ "$stderr" == *"factory run fresh"* ]]
}

@test "extract: SIGTERM ends it at once, like any filter, even while it waits for input" {
  mkfifo "$BATS_TEST_TMPDIR/in"
  timeout -k 5 60 "$FACTORY_BIN" extract "$BATS_TEST_TMPDIR/in" &
  local timer=$!
  # Opening the writer end returns once factory has opened the reader end, inside the command.
  exec 7>"$BATS_TEST_TMPDIR/in"
  pkill -TERM -P "$timer" -x factory
  local status=0
  wait "$timer" || status=$?
  exec 7>&-
  [ "$status" -eq 143 ]  # killed by SIGTERM (timeout passes the child's status on)
}

@test "extract: stdin that cannot be read is a usage error, not an empty log" {
  cd "$OUT"
  run --separate-stderr bash -c '"$FACTORY_BIN" extract < "$1"' _ "$OUT"
  assert_usage_error "cannot read standard input: Is a directory"
}

@test "extract: a SIGINT ignored by its parent (a script's background job) stays ignored" {
  mkfifo "$BATS_TEST_TMPDIR/in"
  (trap '' INT; exec "$FACTORY_BIN" extract "$BATS_TEST_TMPDIR/in") >/dev/null &
  local pid=$!
  exec 7>"$BATS_TEST_TMPDIR/in"  # returns once factory has opened the fifo
  kill -INT "$pid"
  echo "all good" >&7
  exec 7>&-
  local status=0
  wait "$pid" || status=$?
  [ "$status" -eq 0 ]  # it read the log to the end; Ctrl-C was not its to take
}
