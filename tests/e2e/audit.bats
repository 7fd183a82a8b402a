#!/usr/bin/env bats
# The audit trail of a real task (docs/AUDIT.md): a python-calc task with one red run (reverted),
# one green run and an approval, then `factory audit` in every form, and `factory audit verify`
# against the trail edited, cut and shortened with the sqlite3 CLI. The hash is recomputed with
# python3's hashlib straight from state.db, without factory's code.

load helpers

# One task for the whole file (it takes a few seconds); each test starts from a copy of its
# pristine state.db.
setup_file() {
  e2e_setup
  export FACTORY_ACTOR=lewis
  BATS_TEST_TMPDIR="$BATS_FILE_TMPDIR" make_repo python-calc
  cd "$REPO"
  write_config "$(trivial_stages_except unit-test)"
  factory new calc --no-tdd >/dev/null
  local ws
  ws="$(ws_of calc)"
  printf '\n\ndef test_wrong() -> None:\n    assert calc.add(2, 2) == 5\n' >>"$ws/tests/test_calc.py"
  factory run calc >/dev/null || true
  printf '\n\ndef test_right() -> None:\n    assert calc.add(2, 2) == 4\n' >>"$ws/tests/test_calc.py"
  factory run calc >/dev/null
  factory approve calc --yes --note "looks good" >/dev/null 2>&1
  # a second task whose unit-test stays red, for the report's findings
  factory new broken --no-tdd >/dev/null
  printf '\n\ndef test_never() -> None:\n    assert calc.add(1, 1) == 3\n' >>"$(ws_of broken)/tests/test_calc.py"
  factory run broken >/dev/null || true
  sqlite3 "$REPO/.factory/state.db" ".backup '$BATS_FILE_TMPDIR/pristine.db'"
  echo "$REPO" >"$BATS_FILE_TMPDIR/repo-path"
}

setup() {
  e2e_setup
  export FACTORY_ACTOR=lewis
  REPO="$(cat "$BATS_FILE_TMPDIR/repo-path")"
  DB="$REPO/.factory/state.db"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  cp "$BATS_FILE_TMPDIR/pristine.db" "$DB"
  cd "$REPO"
  COUNT="$(sqlite3 "$DB" 'SELECT COUNT(*) FROM events')"
}

# Runs SQL on state.db the way a person with the sqlite3 CLI would.
tamper() {
  sqlite3 "$DB" "$1"
}

@test "audit: an untouched trail verifies, with its event count and the head digest" {
  [ "$COUNT" -gt 15 ]
  run --separate-stderr factory audit verify
  assert_status 0
  head="$(sqlite3 "$DB" 'SELECT last_digest FROM audit_head')"
  [ "$output" = "audit trail intact: $COUNT events (last seq $COUNT, digest $head)" ]
}

@test "audit: an edited row fails verify and is named by its seq" {
  tamper "DROP TRIGGER events_no_update; UPDATE events SET actor = 'mallory' WHERE seq = 5"
  run --separate-stderr factory audit verify
  assert_status 1
  [[ "$stderr" == *"audit trail broken at seq 5: edited"* ]]
  [[ "$stderr" == *"hint:"* ]]
}

@test "audit: an edited payload or hash column fails verify at that row" {
  tamper "DROP TRIGGER events_no_update; UPDATE events SET payload = '{}' WHERE seq = 9"
  run --separate-stderr factory audit verify
  assert_status 1
  [[ "$stderr" == *"broken at seq 9: edited"* ]]

  cp "$BATS_FILE_TMPDIR/pristine.db" "$DB"
  tamper "DROP TRIGGER events_no_update; UPDATE events SET hash = prev_hash WHERE seq = 3"
  run --separate-stderr factory audit verify
  assert_status 1
  [[ "$stderr" == *"broken at seq 3: edited"* ]]
}

@test "audit: the triggers refuse edits and deletes until they are dropped" {
  run tamper "UPDATE events SET actor = 'mallory' WHERE seq = 5"
  [ "$status" -ne 0 ]
  assert_output_has "append-only"
  run tamper "DELETE FROM events WHERE seq = 5"
  [ "$status" -ne 0 ]
  run tamper "DELETE FROM audit_head"
  [ "$status" -ne 0 ]
  run factory audit verify
  assert_status 0
}

@test "audit: a deleted row is reported missing at its seq" {
  tamper "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 7"
  run --separate-stderr factory audit verify
  assert_status 1
  [[ "$stderr" == *"audit trail broken at seq 7: missing"* ]]
}

@test "audit: rows deleted from the end are reported truncated" {
  tamper "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq > $((COUNT - 3))"
  run --separate-stderr factory audit verify
  assert_status 1
  [[ "$stderr" == *"audit trail broken at seq $((COUNT - 2)): truncated"* ]]
  [[ "$stderr" == *"seq $COUNT"* ]]
}

@test "audit: swapped rows are reported out of order" {
  tamper "DROP TRIGGER events_no_update;
          UPDATE events SET seq = -1 WHERE seq = 4;
          UPDATE events SET seq = 4 WHERE seq = 5;
          UPDATE events SET seq = 5 WHERE seq = -1"
  run --separate-stderr factory audit verify
  assert_status 1
  [[ "$stderr" == *"audit trail broken at seq 4: out of order"* ]]
}

@test "audit: python3's hashlib recomputes the stored hashes from state.db (docs/AUDIT.md)" {
  run python3 - "$DB" <<'PY'
import hashlib, sqlite3, sys

def enc_int(n): return n.to_bytes(8, "big", signed=True)
def enc_str(s): b = s.encode("utf-8"); return len(b).to_bytes(8, "big") + b

def event_hash(e):
    run = b"\x00" if e["run_id"] is None else b"\x01" + enc_int(e["run_id"])
    return hashlib.sha256(enc_str(e["prev_hash"]) + enc_int(e["seq"]) + enc_int(e["ts"])
                          + enc_str(e["task"]) + run + enc_str(e["actor"])
                          + enc_str(e["action"]) + enc_str(e["payload"])).hexdigest()

db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
first = dict(db.execute("SELECT * FROM events WHERE seq = 1").fetchone())
assert first["prev_hash"] == "0" * 64, first["prev_hash"]
assert event_hash(first) == first["hash"], (event_hash(first), first["hash"])
prev = "0" * 64
for seq, e in enumerate((dict(r) for r in db.execute("SELECT * FROM events ORDER BY seq")), 1):
    assert e["seq"] == seq and e["prev_hash"] == prev and event_hash(e) == e["hash"], seq
    prev = e["hash"]
head = db.execute("SELECT last_seq, last_digest FROM audit_head").fetchone()
assert tuple(head) == (seq, prev), (tuple(head), seq, prev)
print("event 1", first["hash"], "ok;", seq, "events")
PY
  assert_status 0
  assert_output_has "ok; $COUNT events"
}

@test "audit: the task's history shows decisions with actor, time and reason, then its runs" {
  run --separate-stderr factory audit calc
  assert_status 0
  assert_output_has "audit calc · approved"
  line_with "✓" "approved (lewis) — \"looks good\"" "non-interactive (--yes)"
  line_with "✗" "failed (lewis)"
  line_with "✓" "ready_for_decision (lewis)"
  line_with "• " "created (lewis)"
  line_with "✗" "run 1" "failed" "unit-test ✗" "↺ reverted"
  line_with "✓" "run 2" "passed" "committed"
  # HH:MM (or the date too, when the run crossed midnight)
  [[ "$(line_with "approved (lewis)")" =~ ✓\ ([0-9]{4}-[0-9]{2}-[0-9]{2}\ )?[0-9]{2}:[0-9]{2}\ approved ]]

  # inside the task's workspace the task is inferred
  cd "$(ws_of calc)"
  run --separate-stderr factory audit
  assert_status 0
  assert_output_has "audit calc · approved"
}

@test "audit: --json is one document; --since filters by time and refuses what it cannot read" {
  run --separate-stderr factory audit calc --json
  assert_status 0
  [ "$(jq -r '.task' <<<"$output")" = calc ]
  [ "$(jq -r '.history[] | select(.what == "approved") | .actor' <<<"$output")" = lewis ]
  [ "$(jq -r '.history[] | select(.what == "approved") | .decision' <<<"$output")" = true ]
  [ "$(jq '.runs | length' <<<"$output")" = 2 ]
  [ "$(jq -r '.runs[0].status' <<<"$output")" = failed ]
  [ "$(jq '.events | length' <<<"$output")" -gt 10 ]

  run --separate-stderr factory audit calc --json --since 1h
  assert_status 0
  [ "$(jq '.history | length' <<<"$output")" -gt 3 ]
  run --separate-stderr factory audit calc --json --since 2999-01-01
  assert_status 0
  [ "$(jq '.events | length' <<<"$output")" = 0 ]
  [ "$(jq -r '.status' <<<"$output")" = approved ]

  run --separate-stderr factory audit calc --since yesterday
  assert_usage_error "--since"
  run --separate-stderr factory audit nosuch
  assert_usage_error "nosuch"
}

@test "audit: export writes every column of every event, as a JSON array or JSON lines" {
  run --separate-stderr factory audit export --jsonl
  assert_status 0
  [ "$(printf '%s\n' "$output" | wc -l)" = "$COUNT" ]
  printf '%s\n' "$output" | jq -e -s 'all(.[]; (keys_unsorted == ["seq","ts","task","run_id","actor","action","payload","prev_hash","hash"]))' >/dev/null
  [ "$(printf '%s\n' "$output" | jq -s -r '.[0].prev_hash')" = "$(printf '0%.0s' {1..64})" ]
  [ "$(printf '%s\n' "$output" | jq -s -r 'last.hash')" = "$(sqlite3 "$DB" 'SELECT last_digest FROM audit_head')" ]
  printf '%s\n' "$output" | jq -e -s 'map(select(.action == "approved"))[0].payload | fromjson | .note == "looks good"' >/dev/null

  run --separate-stderr factory audit export
  assert_status 0
  [ "$(jq 'length' <<<"$output")" = "$COUNT" ]
  [ "$(jq -r '.[1].seq' <<<"$output")" = 2 ]
}

@test "audit: report is one Markdown page with timeline, decisions, stage results and chain" {
  run --separate-stderr factory audit report calc
  assert_status 0
  [[ "${lines[0]}" == "# Audit report: \`calc\`" ]]
  assert_output_has "**Status:** approved"
  assert_output_has "## Timeline"
  assert_output_has "| ✓ approved | lewis | \"looks good\""
  assert_output_has "## Decisions"
  line_with "**approved** by lewis at" "\"looks good\""
  assert_output_has "## Stage results"
  line_with "| unit-test | ✓ passed | 2 |"
  assert_output_has "## Findings"
  assert_output_has "Audit chain: ✓ intact — $COUNT events"

  tamper "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 6"
  run --separate-stderr factory audit report calc
  assert_status 0
  assert_output_has "Audit chain: ✗ **broken at seq 6: missing**"
}

@test "audit: a red stage's stored findings are in the report" {
  run --separate-stderr factory audit report broken
  assert_status 0
  assert_output_has "**Status:** failed"
  line_with "| unit-test | ✗ failed | 1 |"
  assert_output_has "### unit-test"
  line_with "test_calc.py" "test_never"
  assert_output_has "Audit chain: ✓ intact"
}

@test "audit: appends go on chaining after a verify, and reserved words are not task ids" {
  factory run broken >/dev/null || true
  now="$(sqlite3 "$DB" 'SELECT COUNT(*) FROM events')"
  [ "$now" -gt "$COUNT" ]
  run factory audit verify
  assert_status 0
  assert_output_has "audit trail intact: $now events (last seq $now,"
  run --separate-stderr factory new verify
  assert_usage_error "reserved"
  run --separate-stderr factory new report
  assert_usage_error "reserved"
}

@test "audit: INSERT OR REPLACE and type tricks are refused or caught; a newer schema is left alone" {
  run tamper "INSERT OR REPLACE INTO events SELECT seq, ts, task, run_id, 'mallory', action, payload, prev_hash, hash FROM events WHERE seq = 5"
  [ "$status" -ne 0 ]
  [[ "$output" == *"append-only"* ]]
  run factory audit verify
  assert_status 0
  # a REAL ts reads back as the same integer, a BLOB actor as the same text: still an edit
  tamper "DROP TRIGGER events_no_update; UPDATE events SET ts = ts + 0.5 WHERE seq = 6"
  run --separate-stderr factory audit verify
  assert_status 1
  [[ "$stderr" == *"audit trail broken at seq 6: edited"*"its ts is stored as REAL"* ]]
  # a newer factory's database: refused before anything changes, the journal mode included
  rm -f "$DB" "$DB-wal" "$DB-shm"
  cp "$BATS_FILE_TMPDIR/pristine.db" "$DB"
  tamper "PRAGMA journal_mode=DELETE; PRAGMA user_version=99" >/dev/null
  local before
  before="$(md5sum <"$DB")"
  run --separate-stderr factory audit verify
  assert_usage_error "schema version 99 is newer"
  [ "$(md5sum <"$DB")" = "$before" ]
  [ "$(tamper 'PRAGMA journal_mode')" = delete ]
}

@test "audit: a task or options before verify/export/report are refused, not ignored" {
  run --separate-stderr factory audit --json verify
  assert_usage_error "'--json' before 'verify'"
  run --separate-stderr factory audit calc export
  assert_usage_error "a task id does not go with 'factory audit export'"
  run --separate-stderr factory audit --since 2h verify
  assert_usage_error "'--since' before 'verify'"
  run --separate-stderr factory audit calc --since ""
  assert_usage_error "--since is empty"
  # the time --json prints can be pasted back into --since
  first="$(factory audit calc --json | jq -r '.history[1].time')"
  [ "$(factory audit calc --json --since "$first" | jq '.history | length')" -lt \
    "$(factory audit calc --json | jq '.history | length')" ]
}

@test "audit: a table dropped by hand is reported as an edited database, not as a factory bug" {
  tamper "DROP TABLE audit_head"
  run --separate-stderr factory audit verify
  assert_usage_error "state.db"
  [[ "$stderr" == *"changed outside factory"* ]]
  [[ "$stderr" != *"bug in factory"* ]]
}
