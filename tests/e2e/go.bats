#!/usr/bin/env bats
# Go (go build, go test, gofmt, go vet) end to end on examples/go-calc.

load helpers
load story

SAMPLE=go-calc
LANG_NAME=go
MARKER=go.mod
BREAK_MODIFIED=calc.go
BREAK_NEW=double.go
TDD_TEST_FILE=calc_test.go
GATE_STAGE=lint

setup() {
  command -v go >/dev/null || skip "go not installed"
  story_setup
}

# The test both stories add: Mul(4, 3) must be 12.
append_mul_test() {
  cat >>"$1/calc_test.go" <<'EOF'

func TestMul(t *testing.T) {
	if got := Mul(4, 3); got != 12 {
		t.Errorf("Mul(4, 3) = %d, want 12", got)
	}
}
EOF
}

lang_green_change() {
  cat >>"$1/calc.go" <<'EOF'

// Mul returns a times b.
func Mul(a, b int) int {
	return a * b
}
EOF
  append_mul_test "$1"
}

lang_break() {
  sed -i 's/return a - b/return a + b/' "$1/calc.go"
  printf 'package calc\n\n// Double returns 2x.\nfunc Double(x int) int {\n\treturn 2 * x\n}\n' >"$1/double.go"
}

lang_red_test() {
  cat >>"$1/calc.go" <<'EOF'

// Mul returns a times b.
func Mul(a, b int) int {
	return 0
}
EOF
  append_mul_test "$1"
}

lang_gate_violation() {
  printf 'package calc\n\n// Triple returns 3x.\nfunc Triple(x int) int { return 3*x }\n' >"$1/triple.go"
}

@test "go: init detects go" { story_init_detects; }
@test "go: a green run commits once and leaves no byproducts" { story_green_run_commits_once; }
@test "go: a red unit-test reverts a modified and a new file and prints both" { story_red_reverts; }
@test "go: tdd-setup passes on red and commits only the test file" { story_tdd_red; }
@test "go: unrevert (task inferred in the workspace) restores the discarded change" { story_unrevert; }
@test "go: an unformatted file is red at lint (gofmt -l) and reverted" { story_gate_red; }
