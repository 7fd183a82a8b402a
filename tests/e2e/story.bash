# The core TCR story every language suite tells (go.bats, rust.bats, cpp.bats load this).
#
# A suite sets, before loading:
#   SAMPLE           folder under examples/
#   LANG_NAME        the language factory should detect ("go")
#   MARKER           the marker file detection names ("go.mod")
# and defines, each taking the workspace path:
#   lang_green_change   a correct change: a new function plus its test
#   lang_break          breaks a unit test in $BREAK_MODIFIED and adds the new file $BREAK_NEW
#   lang_red_test       adds a failing test in $TDD_TEST_FILE and a wrong stub in the source

story_setup() {
  e2e_setup
  make_repo "$SAMPLE"
}

story_init_detects() {
  cd "$REPO"
  run factory init
  assert_status 0
  # the language as detected, by its id or display name ("cmake" in "C++ (CMake)")
  line_with "initialized" "project (marker: $MARKER)" | grep -qi -- "$LANG_NAME"
}

# A green run commits once, with the trailers, and leaves nothing behind in the workspace.
story_green_run_commits_once() {
  cd "$REPO"
  run factory new add-mul --no-tdd
  assert_status 0
  assert_output_has "created task add-mul ($LANG_NAME)"
  ws="$(ws_of add-mul)"
  lang_green_change "$ws"

  run factory run add-mul
  assert_status 0
  line_with "[3/10]" "unit-test" "✓"
  line_with "committed" "factory: implement..review passed"
  [ "$(task_commit_count add-mul)" = 1 ]
  [ "$(git -C "$ws" log -1 --format=%s)" = "factory: implement..review passed" ]
  [[ "$(git -C "$ws" log -1 --format=%B)" == *"Factory-Task: add-mul"* ]]
  assert_clean "$ws"

  # nothing changed: no empty commit
  run factory run add-mul
  assert_status 0
  [ "$(task_commit_count add-mul)" = 1 ]
}

# A red unit-test reverts the modified and the new file, prints both, and keeps the change.
story_red_reverts() {
  cd "$REPO"
  factory new break-sub --no-tdd
  ws="$(ws_of break-sub)"
  lang_break "$ws"
  base="$(git -C "$ws" rev-parse HEAD)"

  run factory run break-sub
  assert_status 1
  line_with "[3/10]" "unit-test" "✗" "reverted 2 files (patch saved)"
  line_with "M $BREAK_MODIFIED"
  line_with "A $BREAK_NEW"
  line_with "FULL LOG" "unit-test.log"
  assert_output_lacks "[4/10]"

  assert_clean "$ws"
  [ ! -e "$ws/$BREAK_NEW" ]
  [ "$(git -C "$ws" rev-parse HEAD)" = "$base" ]
  git -C "$REPO" rev-parse --verify -q refs/factory/reverted/break-sub/1 >/dev/null
}

# tdd-setup passes on red and its snapshot holds only the test file; the stub stays.
story_tdd_red() {
  cd "$REPO"
  factory new add-mul
  ws="$(ws_of add-mul)"
  lang_red_test "$ws"

  run factory run add-mul --to tdd-setup
  assert_status 0
  line_with "[1/10]" "tdd-setup" "✓" "red confirmed"
  [ "$(git -C "$ws" log -1 --format=%s)" = "factory: tdd-setup red confirmed" ]
  [ "$(git -C "$ws" show --name-only --format= HEAD)" = "$TDD_TEST_FILE" ]
  st="$(git -C "$ws" status --porcelain --untracked-files=all)"
  [ -n "$st" ]
  [[ "$st" != *"$TDD_TEST_FILE"* ]]
}

# unrevert brings back exactly what the red unit-test discarded.
story_unrevert() {
  cd "$REPO"
  factory new break-sub --no-tdd
  ws="$(ws_of break-sub)"
  lang_break "$ws"
  snapshot_change "$ws" "$BATS_TEST_TMPDIR/before"

  run factory run break-sub
  assert_status 1
  assert_clean "$ws"

  cd "$ws"
  run factory unrevert
  assert_status 0
  assert_output_has "$BREAK_MODIFIED"
  assert_output_has "$BREAK_NEW"
  snapshot_change "$ws" "$BATS_TEST_TMPDIR/after"
  diff -r "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

# The language's own gate: lang_gate_violation breaks $GATE_STAGE (gofmt, clippy, clang-format...)
# without breaking the build or the tests; that stage alone is red and reverts the change.
story_gate_red() {
  cd "$REPO"
  factory new gate --no-tdd
  ws="$(ws_of gate)"
  lang_gate_violation "$ws"
  [ -n "$(git -C "$ws" status --porcelain)" ]

  run factory stage gate "$GATE_STAGE"
  assert_status 1
  line_with "$GATE_STAGE" "✗" "reverted"
  assert_clean "$ws"
}
