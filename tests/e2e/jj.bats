#!/usr/bin/env bats
# The jj backend end to end: only where a jj binary is on PATH (skipped visibly otherwise).

load helpers

setup() {
  command -v jj >/dev/null || skip "jj not on PATH"
  e2e_setup
  make_repo python-calc
  cd "$REPO"
  jj git init --colocate >/dev/null 2>&1 || jj init --git-repo=. >/dev/null
  jj config set --repo user.name "E2E Tester"
  jj config set --repo user.email "e2e@example.com"
  [ -d "$REPO/.jj" ]
}

@test "jj: new makes a jj workspace, a green run commits once" {
  cd "$REPO"
  run factory new calc-mul --no-tdd
  assert_status 0
  assert_output_has "created task calc-mul (python)"
  ws="$(ws_of calc-mul)"
  [ -d "$ws" ]
  jj workspace list -R "$REPO" | grep -q calc-mul

  printf '\n\ndef mul(a: int, b: int) -> int:\n    """Returns a times b."""\n    return a * b\n' >>"$ws/calc.py"
  run factory run calc-mul
  assert_status 0
  line_with "committed" "factory: implement..review passed"
  jj log -R "$ws" --no-graph -r 'all()' -T 'description' | grep -q "factory: implement..review passed"
}

@test "jj: a red unit-test reverts a modified and a new file" {
  cd "$REPO"
  factory new break-sub --no-tdd
  ws="$(ws_of break-sub)"
  sed -i 's/return a - b/return a + b/' "$ws/calc.py"
  printf 'def double(x: int) -> int:\n    return 2 * x\n' >"$ws/helpers.py"

  run factory run break-sub
  assert_status 1
  line_with "unit-test" "✗" "reverted 2 files"
  line_with "M calc.py"
  line_with "A helpers.py"
  [ ! -e "$ws/helpers.py" ]
  cmp "$ws/calc.py" "$REPO/calc.py"
}
