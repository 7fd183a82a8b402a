#!/usr/bin/env bats
# `factory coverage` on reports made in the test by the real tools (coverage.py 6.5 lcov and XML,
# go test -coverprofile) for a small project in a throw-away git repository, with a change whose
# `git diff` is piped in: patch coverage, uncovered lines and critical gaps must come out right.

load helpers

setup() {
  e2e_setup
}

# A Python project: pay/card.py with charge_card and refund, a test that calls charge_card only.
# The change adds lines 7-10 to charge_card (8 never runs), 14-15 to refund (never runs) and a new
# module pay/fx.py that no test imports (--source=. still reports it, every line unrun).
make_python_project() {
  P="$BATS_TEST_TMPDIR/py"
  mkdir -p "$P/pay" "$P/tests"
  cd "$P"
  git init -q -b main
  : >pay/__init__.py
  cat >pay/card.py <<'EOF'
"""Card payments."""


def charge_card(amount, balance):
    if amount <= 0:
        raise ValueError("amount must be positive")
    return balance - amount


def refund(amount, balance):
    return balance + amount
EOF
  cat >tests/test_card.py <<'EOF'
from pay.card import charge_card


def test_charge():
    assert charge_card(5, 10) == 5
EOF
  git add -A
  git commit -q -m base
  git tag base
  cat >pay/card.py <<'EOF'
"""Card payments."""


def charge_card(amount, balance):
    if amount <= 0:
        raise ValueError("amount must be positive")
    if amount > balance:
        raise ValueError("insufficient funds")
    fee = 1 if amount > 100 else 0
    return balance - amount - fee


def refund(amount, balance):
    if amount > 50:
        return balance
    return balance + amount
EOF
  printf 'RATE = 2\n\n\ndef convert(x):\n    return x * RATE\n' >pay/fx.py
  git add -A
  git commit -q -m change
  python3 -m coverage run --source=. -m pytest -q >/dev/null
  python3 -m coverage lcov -o cov.info >/dev/null
  python3 -m coverage xml -o cov.xml >/dev/null
}

# A Go module example.com/shop: limit.(*Limiter).Allow gains a guard whose body never runs, and a
# new method Left that no test calls.
make_go_project() {
  G="$BATS_TEST_TMPDIR/go"
  mkdir -p "$G/limit"
  cd "$G"
  git init -q -b main
  printf 'module example.com/shop\n\ngo 1.19\n' >go.mod
  cat >limit/limiter.go <<'EOF'
package limit

// Limiter hands out tokens.
type Limiter struct{ tokens int }

// New makes a limiter with n tokens.
func New(n int) *Limiter { return &Limiter{tokens: n} }

// Allow takes cost tokens when there are enough.
func (l *Limiter) Allow(cost int) bool {
	if cost > l.tokens {
		return false
	}
	l.tokens -= cost
	return true
}
EOF
  cat >limit/limiter_test.go <<'EOF'
package limit

import "testing"

func TestAllow(t *testing.T) {
	if !New(10).Allow(3) {
		t.Fatal("3 of 10 tokens refused")
	}
}
EOF
  git add -A
  git commit -q -m base
  git tag base
  cat >limit/limiter.go <<'EOF'
package limit

// Limiter hands out tokens.
type Limiter struct{ tokens int }

// New makes a limiter with n tokens.
func New(n int) *Limiter { return &Limiter{tokens: n} }

// Allow takes cost tokens when there are enough.
func (l *Limiter) Allow(cost int) bool {
	if cost <= 0 {
		return false
	}
	if cost > l.tokens {
		return false
	}
	l.tokens -= cost
	return true
}

// Left says how many tokens remain.
func (l *Limiter) Left() int {
	return l.tokens
}
EOF
  go test -coverprofile=cover.out ./... >/dev/null
}

# json_get <json> <python expression on d>
json_get() {
  printf '%s' "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

@test "python lcov: patch coverage, uncovered changed lines and a critical function gap" {
  make_python_project
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage cov.info --diff - --min-patch 80 --critical 'charge_card()'"
  echo "$output"
  # Changed and measured: card.py 7, 8, 9, 10, 14, 15 and fx.py 1, 4, 5; only 7, 9, 10 ran.
  [[ "$output" == *"patch coverage 33.3% (3 of 9 measured changed lines ran, minimum 80%)"* ]]
  [[ "$output" == *"pay/card.py (50% of its changed lines): 8, 14, 15 never ran"* ]]
  [[ "$output" == *"pay/fx.py (0% of its changed lines): 1, 4, 5 never ran"* ]]
  [[ "$output" == *"critical paths 0/1 covered"* ]]
  [[ "$output" == *"charge_card (pay/card.py:4-10): line 8 never ran"* ]]
  [[ "$output" == *"FAIL patch coverage 33.3% is below the minimum 80% (6 of 9 changed lines never ran)"* ]]
  [[ "$output" == *"FAIL critical function charge_card() has 1 uncovered changed line: pay/card.py:8"* ]]
  [[ "$output" == *"→ add a test that runs charge_card (pay/card.py:4-10): line 8 never ran"* ]]
  [[ "$output" == *"→ add a test that runs refund (pay/card.py:13-16): lines 14, 15 never ran"* ]]
  [[ "$output" == *"→ add a test that loads pay/fx.py: no test ran any of it"* ]]
}

@test "python Cobertura XML gives the same numbers; --json is one document" {
  make_python_project
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage cov.xml --diff - --min-patch 80 --json"
  [ "$(json_get "$output" 'd["patch"]["measured"], d["patch"]["covered"]')" = "9 3" ]
  [ "$(json_get "$output" '[f["uncovered_changed"] for f in d["files"] if f["path"] == "pay/card.py"][0]')" = "[8, 14, 15]" ]
  [ "$(json_get "$output" '[(f["name"], f["hit"]) for f in d["functions"] if f["path"] == "pay/card.py"]')" = "[('charge_card', True), ('refund', False)]" ]
  [ "$(json_get "$output" 'd["passed"]')" = "False" ]
  # The gate passes when the minimum is met.
  run -0 bash -c "git diff base | '$FACTORY_BIN' coverage cov.xml --diff - --min-patch 33"
  [[ "$output" == *"patch coverage 33.3%"* ]]
  [[ "$output" != *"FAIL"* ]]
}

@test "python: a critical glob names the uncovered lines, and the module no test imports" {
  make_python_project
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage cov.info --diff - --critical 'pay/**'"
  echo "$output"
  [[ "$output" == *"critical paths 0/2 covered"* ]]
  [[ "$output" == *"FAIL critical path pay/** has 6 uncovered changed lines: pay/card.py:8, 14, 15; pay/fx.py:1, 4, 5"* ]]
  # Without --source coverage.py leaves unimported modules out of the report altogether.
  python3 -m coverage run -m pytest -q >/dev/null
  python3 -m coverage lcov -o all.info >/dev/null
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage all.info --diff - --critical 'pay/**' 2>/dev/null"
  echo "$output"
  [[ "$output" == *"critical paths 0/2 covered"* ]]
  [[ "$output" == *"FAIL critical path pay/** has 3 uncovered changed lines: pay/card.py:8, 14, 15"* ]]
  [[ "$output" == *"FAIL critical path pay/** has changed files no test loads: pay/fx.py"* ]]
  [[ "$output" == *"→ add a test that loads pay/fx.py: no test ran any of it"* ]]
  # A critical glob whose changed lines all ran passes.
  run -0 bash -c "git diff base | '$FACTORY_BIN' coverage all.info --diff - --critical 'tests/**' 2>/dev/null"
  [[ "$output" != *"critical paths"* ]]
}

@test "python without --source: installed packages in the report are listed, not counted" {
  make_python_project
  python3 -m coverage run -m pytest -q >/dev/null
  python3 -m coverage lcov -o all.info >/dev/null
  run -0 bash -c "git diff base | '$FACTORY_BIN' coverage all.info --diff - --json 2>err.txt"
  [ "$(json_get "$output" 'd["patch"]["measured"], d["patch"]["covered"]')" = "6 3" ]
  [ "$(json_get "$output" 'sorted(f["path"] for f in d["files"])')" = "['pay/__init__.py', 'pay/card.py', 'tests/test_card.py']" ]
  [ "$(json_get "$output" 'all(p.startswith("/usr/") for p in d["outside"]) and len(d["outside"]) > 3')" = "True" ]
  grep -q "coverage report names [0-9]* files not in the workspace" err.txt
}

@test "go coverprofile: import paths via go.mod, Go functions, critical methods" {
  make_go_project
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage cover.out --diff - --critical '(*Limiter).Allow()' --critical 'Left()'"
  echo "$output"
  # Changed: 11-13 and 20-24. Measured: 11 (ran), 12, 22, 23 (never ran); blank, comment and
  # brace-only lines are not code.
  [[ "$output" == *"patch coverage 25% (1 of 4 measured changed lines ran)"* ]]
  [[ "$output" == *"limit/limiter.go (25% of its changed lines): 12, 22, 23 never ran"* ]]
  [[ "$output" == *"critical paths 0/2 covered"* ]]
  [[ "$output" == *"FAIL critical function (*Limiter).Allow() has 1 uncovered changed line: limit/limiter.go:12"* ]]
  [[ "$output" == *"FAIL critical function Left() has 2 uncovered changed lines: limit/limiter.go:22, 23"* ]]
  [[ "$output" == *"→ add a test that runs (*Limiter).Allow (limit/limiter.go:10-19): line 12 never ran"* ]]
  run -0 bash -c "'$FACTORY_BIN' coverage cover.out --json"
  [ "$(json_get "$output" '[(f["name"], f["first_line"], f["last_line"], f["hit"]) for f in d["functions"]]')" = \
    "[('New', 7, 7, True), ('(*Limiter).Allow', 10, 19, True), ('(*Limiter).Left', 22, 24, False)]" ]
}

@test "go: a profile repeated (two packages' runs concatenated) counts each line once" {
  make_go_project
  cat cover.out >twice.out
  sed 's/ 1$/ 0/' cover.out >>twice.out  # the same blocks again, as if run by a package that missed them
  run -0 bash -c "git diff base | '$FACTORY_BIN' coverage twice.out --diff - --json"
  [ "$(json_get "$output" 'd["patch"]["measured"], d["patch"]["covered"]')" = "4 1" ]
  run -0 bash -c "'$FACTORY_BIN' coverage cover.out --json"
  single="$(json_get "$output" 'd["overall"]')"
  run -0 bash -c "'$FACTORY_BIN' coverage twice.out --json"
  [ "$(json_get "$output" 'd["overall"]')" = "$single" ]
}

@test "bad input: empty, truncated, broken XML, malformed Go line, unknown format: exit 2 naming the spot" {
  make_python_project
  : >empty.info
  run -2 factory coverage empty.info
  [[ "$output" == *"empty"* ]]
  sf=$(grep -n '^SF:pay/card.py' cov.info | cut -d: -f1)
  head -n $((sf + 2)) cov.info >cut.info  # the coverage run was killed while writing
  run -2 factory coverage cut.info --format lcov
  [[ "$output" == *"cut.info:$((sf + 2)): the record for pay/card.py (from line $sf) has no end_of_record: the report is truncated"* ]]
  head -c 300 cov.xml >cut.xml
  run -2 factory coverage cut.xml --format cobertura
  [[ "$output" == *"cut.xml:"*"XML parse error"* ]]
  printf 'mode: set\nexample.com/shop/x.go:1.1,2.2 1\n' >bad.out
  run -2 factory coverage bad.out
  [[ "$output" == *"bad.out:2: not a coverprofile block"* ]]
  printf 'hello\n' >what.txt
  run -2 factory coverage what.txt
  [[ "$output" == *"not an lcov, Cobertura or Go coverage report"* ]]
  run -2 factory coverage cov.info --format xml
  [[ "$output" == *"unknown report format 'xml'"* ]]
  run -2 factory coverage missing.info
  [[ "$output" == *"cannot read missing.info"* ]]
  run -2 factory coverage cov.info --min 120
  [[ "$output" == *"--min 120 is not a percentage"* ]]
  # nan would switch the gate off, 0x10 read as 16: a percentage is plain decimal.
  run -2 factory coverage cov.info --min nan
  [[ "$output" == *"--min nan is not a percentage"* ]]
  run -2 factory coverage cov.info --min-patch 0x10
  [[ "$output" == *"--min-patch 0x10 is not a percentage"* ]]
  run -1 factory coverage cov.info --min 99.5
  [[ "$output" == *"below the minimum 99.5%"* ]]
  run -2 factory coverage pay
  [[ "$output" == *"pay is a directory, not a coverage report"* ]]
  run -2 factory coverage cov.info --critical 'pay/../x'
  [[ "$output" == *"--critical 'pay/../x'"* ]]
}

@test "a report made for another checkout: every file is outside the workspace" {
  make_python_project
  other="$BATS_TEST_TMPDIR/other"
  mkdir -p "$other"
  sed "s|<source>$P</source>|<source>/home/someone/else</source>|" cov.xml >"$other/cov.xml"
  cd "$other"
  git init -q -b main
  run -1 factory coverage cov.xml --min 50
  [[ "$output" == *"note: the report names 4 files not in the workspace"* ]]
  [[ "$output" == *"FAIL coverage is unknown: the report measures no line in the workspace (minimum 50%)"* ]]
  # Said once, not on stderr and again in the summary.
  [ "$(grep -c 'files not in the workspace' <<<"$output")" = 1 ]
  # With --json the warning goes to stderr, naming the root without a trailing "/.".
  run -1 bash -c "'$FACTORY_BIN' coverage cov.xml --min 50 --root . --json 2>&1 >/dev/null"
  [[ "$output" == *"not in the workspace $other (first:"* ]]
}

@test "python without --source: a critical function in a module no test imports is a gap" {
  make_python_project
  python3 -m coverage run -m pytest -q >/dev/null
  python3 -m coverage lcov -o all.info >/dev/null
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage all.info --diff - --critical 'convert()' 2>/dev/null"
  echo "$output"
  [[ "$output" == *"critical paths 0/1 covered"* ]]
  [[ "$output" == *"FAIL critical function convert() (pay/fx.py:4-5) changed, but no test loads pay/fx.py"* ]]
  [[ "$output" == *"→ add a test that loads pay/fx.py: no test ran any of it"* ]]
  # A name no function has is a warning, not a silent pass.
  run -0 bash -c "git diff base | '$FACTORY_BIN' coverage all.info --diff - --critical 'convrt()' 2>/dev/null"
  [[ "$output" == *"warning: critical function convrt() matches no function in the report"* ]]
}

@test "go: a new untested package is a gap; a types-only file in a tested package is not" {
  make_go_project
  printf 'package limit\n\n// Rate is tokens per second.\ntype Rate int\n\nconst Max Rate = 10\n' >limit/types.go
  mkdir pay
  printf 'package pay\n\n// Charge charges.\nfunc Charge(n int) int {\n\treturn n * 2\n}\n' >pay/pay.go
  git add -A
  git commit -q -m more
  go test -coverprofile=cover.out ./... >/dev/null
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage cover.out --diff - --critical '**' --critical 'Charge()'"
  echo "$output"
  [[ "$output" == *"FAIL critical path ** has changed files no test loads: pay/pay.go"* ]]
  [[ "$output" == *"FAIL critical function Charge() (pay/pay.go:4-6) changed, but no test loads pay/pay.go"* ]]
  [[ "$output" != *"limit/types.go"* ]]
}

# A C++ project built with g++ --coverage and reported by gcovr 5 (Cobertura with empty <methods/>):
# Calc::sub gains a guard no test runs, and the header a declaration.
make_cpp_project() {
  C="$BATS_TEST_TMPDIR/cpp"
  mkdir -p "$C/src"
  cd "$C"
  git init -q -b main
  printf 'namespace shop {\nstruct Calc {\n  int add(int a, int b);\n  int sub(int a, int b);\n};\n}\n' >src/calc.hpp
  printf '#include "calc.hpp"\n\nnamespace shop {\n\nint Calc::add(int a, int b) {\n  return a + b;\n}\n\nint Calc::sub(int a, int b) {\n  return a - b;\n}\n\n}  // namespace shop\n' >src/calc.cpp
  printf '#include "src/calc.hpp"\nint main() { return shop::Calc().add(1, 2) == 3 ? 0 : 1; }\n' >test.cpp
  git add -A
  git commit -q -m base
  git tag base
  sed -i 's/^  return a - b;/  if (a < 0) {\n    return 0;\n  }\n  return a - b;/' src/calc.cpp
  sed -i 's/^  int sub(int a, int b);/  int sub(int a, int b);\n  int other();/' src/calc.hpp
  g++ --coverage -o t test.cpp src/calc.cpp
  ./t
  gcovr -r . --xml -o cov.xml
}

@test "C++ with gcovr Cobertura (no <methods>): a critical method that never ran is a gap" {
  command -v gcovr >/dev/null || skip "gcovr not installed"
  make_cpp_project
  run -1 bash -c "git diff base | '$FACTORY_BIN' coverage cov.xml --diff - --critical 'Calc::sub()' --critical 'src/**'"
  echo "$output"
  [[ "$output" == *"critical paths 0/2 covered"* ]]
  [[ "$output" == *"FAIL critical function Calc::sub() has 2 uncovered changed lines: src/calc.cpp:10, 11"* ]]
  [[ "$output" == *"→ add a test that runs shop::Calc::sub (src/calc.cpp:9-14): lines 10, 11 never ran"* ]]
  # The declaration added to the header compiles to nothing: not "no test loads it".
  [[ "$output" != *"src/calc.hpp"* ]]
}

@test "run from a sub-project: coverage.py's relative paths resolve against the current folder" {
  M="$BATS_TEST_TMPDIR/mono"
  mkdir -p "$M/services/api/pay"
  cd "$M"
  git init -q -b main
  : >services/api/pay/__init__.py
  printf 'def pay(x):\n    return x\n' >services/api/pay/card.py
  git add -A
  git commit -q -m base
  printf 'def pay(x):\n    if x < 0:\n        return 0\n    return x\n' >services/api/pay/card.py
  printf 'from pay.card import pay\n\n\ndef test_pay():\n    assert pay(2) == 2\n' >services/api/test_card.py
  cd services/api
  python3 -m coverage run -m pytest -q >/dev/null
  python3 -m coverage lcov -o cov.info >/dev/null
  grep -q '^SF:pay/card.py' cov.info
  run -1 bash -c "git diff | '$FACTORY_BIN' coverage cov.info --diff - --min-patch 80"
  echo "$output"
  [[ "$output" == *"patch coverage 50% (1 of 2 measured changed lines ran, minimum 80%)"* ]]
  [[ "$output" == *"services/api/pay/card.py (50% of its changed lines): 3 never ran"* ]]
}

@test "a merge conflict's combined diff (diff --cc) is skipped, not an error" {
  make_python_project
  git checkout -q -b other base
  sed -i 's/Card payments./Card payments (other)./' pay/card.py
  git commit -q -am other
  git checkout -q main
  sed -i 's/Card payments./Card payments (main)./' pay/card.py
  git commit -q -am main
  run git merge -q other
  git diff | grep -q '^diff --cc pay/card.py'
  run -0 bash -c "git diff | '$FACTORY_BIN' coverage cov.info --diff -"
  [[ "$output" == *"patch coverage: no changed line"* ]]
}

@test "--json with a file name that is not UTF-8 prints valid JSON" {
  make_python_project
  name=$'caf\xe9.py'
  printf 'x = 1\n' >"$name"
  printf 'SF:%s\nDA:1,1\nend_of_record\n' "$name" >latin.info
  run -0 bash -c "'$FACTORY_BIN' coverage latin.info --json"
  [ "$(json_get "$output" '[f["path"] for f in d["files"]] == ["caf\ufffd.py"]')" = True ]
}
