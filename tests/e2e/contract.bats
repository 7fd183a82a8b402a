#!/usr/bin/env bats
# Task contracts as `factory new`, `factory contract` and `factory run` see them: writing and
# validating contract.yaml, factory's own commit step refusing changes outside the contract (the
# second line of defence, for --no-verify commits and jj), and the accept stage's checks.
# The pre-commit hook itself has its own suite (hooks.bats).

load helpers

setup() {
  e2e_setup
  make_repo python-calc
}

contract_of() {
  echo "$REPO/.factory/$1/contract.yaml"
}

# set_section <task> <top-level key>: replaces that key's block of the task's contract with the
# YAML on stdin (the rendered contract already has every section, and keys may not repeat).
set_section() {
  local file
  file="$(contract_of "$1")"
  awk -v k="$2" '/^[A-Za-z_]/ { skip = ($0 ~ "^" k ":") } !skip' "$file" >"$file.new"
  cat >>"$file.new"
  mv "$file.new" "$file"
}

# A task whose stages are all no-ops except the named ones, created with the given `new` args.
quiet_task() {
  local id="$1"
  shift
  write_config "$(trivial_stages_except)"
  cd "$REPO"
  factory new "$id" --no-tdd "$@"
}

@test "contract: new writes the contract from --allow/--forbid, show prints it, check accepts it" {
  cd "$REPO"
  run --separate-stderr factory new calc-fix --allow 'calc.py' --allow 'tests/**' --forbid 'pyproject.toml'
  assert_status 0
  assert_output_has "contract .factory/calc-fix/contract.yaml"
  assert_output_has "pre-commit boundary hook installed"
  run --separate-stderr factory contract show calc-fix
  assert_status 0
  assert_output_has "calc.py"
  assert_output_has "tests/**"
  assert_output_has "pyproject.toml"
  run --separate-stderr factory contract check calc-fix
  assert_status 0
  assert_output_has "is valid"
  [ -z "$stderr" ]
}

@test "contract: without --allow everything is allowed; a glob that matches nothing warns" {
  cd "$REPO"
  factory new open-task
  grep -q '"\*\*"\|- \*\*\|\*\*' "$(contract_of open-task)"
  run --separate-stderr factory new typo --allow 'scr/**'
  assert_status 0
  [[ "$stderr" == *"'scr/**' matches no file yet"* ]]
}

@test "contract: a bad --allow glob is a usage error and leaves no task behind" {
  cd "$REPO"
  run --separate-stderr factory new bad --allow 'src/[a'
  assert_usage_error "--allow 'src/[a'"
  [ ! -e "$(ws_of bad)" ]
  [ ! -e "$(contract_of bad)" ]
  refute git -C "$REPO" rev-parse --verify -q factory/bad
}

@test "contract: an invalid contract blocks run with file:line:col and the key path" {
  quiet_task broken
  printf 'boundaries:\n  allowed_files: ["**"]\n  alowed: 3\n' >"$(contract_of broken)"
  run --separate-stderr factory run broken
  assert_usage_error "contract.yaml:3:3"
  [[ "$stderr" == *"boundaries.alowed"* ]]
  run --separate-stderr factory contract check broken
  assert_status 2
  printf 'boundaries: [unclosed\n' >"$(contract_of broken)"
  run --separate-stderr factory run broken
  assert_usage_error "contract.yaml:"
}

@test "contract: a missing contract is an error, not an open door" {
  quiet_task gone
  rm "$(contract_of gone)"
  run --separate-stderr factory run gone
  assert_usage_error "has no contract"
}

@test "contract: run refuses to commit a change outside the contract; nothing reverted" {
  quiet_task narrow --allow 'calc.py' --forbid 'pyproject.toml'
  ws="$(ws_of narrow)"
  echo "# tweak" >>"$ws/calc.py"
  echo "[tool.x]" >>"$ws/pyproject.toml"
  echo "echo deploy" >"$ws/deploy.sh"
  run factory run narrow
  assert_status 3
  assert_output_has "✗ BLOCKED: narrow cannot modify pyproject.toml"
  assert_output_has "✗ BLOCKED: narrow cannot modify deploy.sh"
  assert_output_lacks "cannot modify calc.py"
  assert_output_has "nothing committed, nothing reverted"
  [ "$(task_commit_count narrow)" = 0 ]
  grep -q "echo deploy" "$ws/deploy.sh"
  grep -q "tool.x" "$ws/pyproject.toml"
  run factory status narrow
  assert_output_has "failed"
}

@test "contract: a --no-verify commit outside the contract is caught by run's own commit check" {
  quiet_task sneaky --allow 'calc.py'
  ws="$(ws_of sneaky)"
  echo "x" >"$ws/notes.txt"
  git -C "$ws" add notes.txt
  git -C "$ws" commit -q --no-verify -m "sneak a file in"
  run factory run sneaky
  assert_status 3
  assert_output_has "cannot modify notes.txt"
}

@test "contract: attack cases are blocked by run: rename into forbidden, symlink, .factory/" {
  quiet_task attack --forbid 'secrets/**'
  ws="$(ws_of attack)"
  mkdir -p "$ws/secrets"
  # rename from an allowed path into a forbidden one
  git -C "$ws" mv calc.py secrets/calc.py
  run factory run attack
  assert_status 3
  assert_output_has "cannot modify secrets/calc.py"
  git -C "$ws" mv secrets/calc.py calc.py
  # a symlink pointing at a forbidden file
  ln -s secrets/calc.py "$ws/innocent.py"
  run factory run attack
  assert_status 3
  assert_output_has "cannot modify innocent.py"
  rm "$ws/innocent.py"
  # a symlink leaving the repository
  ln -s ../../outside "$ws/escape"
  run factory run attack
  assert_status 3
  assert_output_has "cannot modify escape"
  rm "$ws/escape"
  # writing a contract inside the workspace, to be merged over the real one later
  mkdir -p "$ws/.factory/attack"
  printf 'boundaries:\n  allowed_files: ["**"]\n' >"$ws/.factory/attack/contract.yaml"
  run factory run attack
  assert_status 3
  assert_output_has "cannot modify .factory/attack/contract.yaml"
  # case-only dodge of a forbidden glob
  rm -r "$ws/.factory"
  mkdir -p "$ws/Secrets"
  echo k >"$ws/Secrets/key"
  run factory run attack
  assert_status 3
  assert_output_has "cannot modify Secrets/key"
}

@test "contract: editing the contract while a run is in progress blocks the commit" {
  write_config "$(trivial_stages_except unit-test)
[stages.unit-test]
command = 'echo \"# edited\" >> \"\$FACTORY_CONTRACT_UNDER_TEST\"'"
  cd "$REPO"
  factory new midrun --no-tdd
  export FACTORY_CONTRACT_UNDER_TEST="$(contract_of midrun)"
  echo "# change" >>"$(ws_of midrun)/calc.py"
  run factory run midrun
  assert_status 3
  assert_output_has "the contract changed during this run"
  [ "$(task_commit_count midrun)" = 0 ]
  # the next run uses the edited contract and commits
  write_config "$(trivial_stages_except)"
  run factory run midrun
  assert_status 0
  [ "$(task_commit_count midrun)" = 1 ]
}

@test "contract: tcr_behavior enabled: false keeps a red stage's change" {
  write_config "$(trivial_stages_except lint)
[stages.lint]
command = \"false\""
  cd "$REPO"
  factory new keep --no-tdd
  set_section keep tcr_behavior <<'YAML'
tcr_behavior:
  lint:
    enabled: false
    reason: formatter migration in progress
YAML
  factory contract check keep
  echo "# change" >>"$(ws_of keep)/calc.py"
  run factory run keep
  assert_status 1
  assert_output_lacks "reverted"
  grep -q "# change" "$(ws_of keep)/calc.py" || git -C "$(ws_of keep)" log -p | grep -q "# change"
}

@test "contract: a required stage that is SKIPPED fails the run" {
  write_config "$(trivial_stages_except security)"
  cd "$REPO"
  factory new strict --no-tdd
  hide_python_tools
  run factory run strict
  assert_status 0
  assert_output_has "SKIPPED (tool missing: bandit)"
  set_section strict stages <<'YAML'
stages:
  security:
    required: true
YAML
  run factory run strict
  assert_status 1
  assert_output_has "required by the contract, but skipped (tool missing: bandit)"
}

@test "contract: accept runs the acceptance checks and reports each by name" {
  write_config "$(trivial_stages_except accept)
[stages.accept]
command = \"true\""
  cd "$REPO"
  factory new hello --no-tdd --allow 'hello.txt' --allow 'hello.sh'
  set_section hello acceptance <<'YAML'
acceptance:
  - name: hello file exists
    file_exists: hello.txt
  - name: hello file greets
    file_matches: { path: hello.txt, pattern: "^hello, world$" }
  - name: script says hello
    command: "sh hello.sh"
    expect_exit: 0
    expect_stdout: "^hello, world$"
YAML
  ws="$(ws_of hello)"
  echo "hello, world" >"$ws/hello.txt"
  echo 'echo "hello, world"' >"$ws/hello.sh"
  run factory run hello
  assert_status 0
  assert_output_has "✓ hello file exists"
  assert_output_has "✓ hello file greets"
  assert_output_has "✓ script says hello"
  assert_output_has "acceptance 3/3 checks passed"

  echo "goodbye" >"$ws/hello.txt"
  run factory run hello
  assert_status 1
  assert_output_has "✓ hello file exists"
  assert_output_has "✗ hello file greets: hello.txt has no match for /^hello, world$/"
  assert_output_has "acceptance 2/3 checks passed"
}

@test "contract: review enforces limits.new_dependencies and limits.max_lines_changed" {
  write_config "$(trivial_stages_except review)"
  cd "$REPO"
  factory new deps --no-tdd
  set_section deps limits <<'YAML'
limits:
  new_dependencies: 0
  max_lines_changed: 5
YAML
  ws="$(ws_of deps)"
  printf '# runtime\nrequests==2.31\n' >"$ws/requirements.txt"
  run factory run deps
  assert_status 1
  assert_output_has "1 new dependency (limit 0): requirements.txt:2"
  printf 'a\nb\nc\nd\ne\nf\n' >"$ws/notes.txt"
  run factory run deps
  assert_status 1
  assert_output_has "6 lines changed (limit 5)"
}

@test "contract: --from takes the description from a file; an unknown beads id without bd is an error" {
  cd "$REPO"
  printf 'Add multiplication.\nIt must handle negatives.\n' >"$BATS_TEST_TMPDIR/spec.md"
  factory new from-file --from "$BATS_TEST_TMPDIR/spec.md"
  grep -q "It must handle negatives." "$(contract_of from-file)"
  grep -q "spec.md" "$(contract_of from-file)"
  PATH="/usr/bin:/bin" run --separate-stderr factory new from-beads --from bd-12
  if command -v bd >/dev/null; then skip "a real beads CLI is installed"; fi
  assert_usage_error "--from bd-12"
  [[ "$stderr" == *"'bd' is not installed"* ]]
  [ ! -e "$(ws_of from-beads)" ]
  run --separate-stderr factory new from-nothing --from no-such-file.md
  assert_usage_error "--from no-such-file.md: no such file"
}

@test "contract: --contract starts from a given file, --forbid adds to it, a bad one is refused" {
  cd "$REPO"
  cat >"$BATS_TEST_TMPDIR/docs-only.yaml" <<'YAML'
boundaries:
  allowed_files: ["docs/**", "README.md"]
  forbidden_files: ["docs/private/**"]
approvers: [lewis]
YAML
  factory new docs-task --contract "$BATS_TEST_TMPDIR/docs-only.yaml" --forbid 'docs/drafts/**'
  run factory contract show docs-task
  assert_output_has "README.md"
  assert_output_has "docs/private/**"
  assert_output_has "docs/drafts/**"
  assert_output_has "lewis"
  printf 'boundaries:\n  allowed_files: "docs/**"\n' >"$BATS_TEST_TMPDIR/bad.yaml"
  run --separate-stderr factory new bad-task --contract "$BATS_TEST_TMPDIR/bad.yaml"
  assert_usage_error "bad.yaml:2:"
  run --separate-stderr factory contract check --file "$BATS_TEST_TMPDIR/bad.yaml"
  assert_status 2
}

@test "contract: --allow may come before the task id; contract show names an unknown task" {
  cd "$REPO"
  factory new --allow 'calc.py' --forbid 'tests/**' early-opts
  grep -q 'calc.py' "$(contract_of early-opts)"
  run --separate-stderr factory contract show no-such-task
  assert_usage_error "no task 'no-such-task'"
}

@test "contract: a failed new puts back a contract written ahead of time" {
  cd "$REPO"
  mkdir -p "$REPO/.factory/ahead"
  printf '# written by hand\nboundaries:\n  allowed_files: ["docs/**"]\n' >"$(contract_of ahead)"
  cp "$(contract_of ahead)" "$BATS_TEST_TMPDIR/before.yaml"
  # Make the hook install fail: two different user hooks where factory keeps the chained one.
  printf '#!/bin/sh\nexit 0\n' >"$REPO/.git/hooks/pre-commit"
  printf '#!/bin/sh\necho other\n' >"$REPO/.git/hooks/pre-commit.factory-user"
  chmod +x "$REPO/.git/hooks/pre-commit" "$REPO/.git/hooks/pre-commit.factory-user"
  run --separate-stderr factory new ahead --allow 'calc.py'
  [ "$status" -ne 0 ]
  [ ! -e "$(ws_of ahead)" ]
  cmp "$BATS_TEST_TMPDIR/before.yaml" "$(contract_of ahead)"
}

@test "contract: a contract naming another task is refused" {
  quiet_task mine
  sed -i 's/^task: .*/task: "theirs"/' "$(contract_of mine)"
  run --separate-stderr factory run mine
  assert_usage_error "the contract says task 'theirs'"
}

@test "contract: a heavy acceptance regex on a huge file is decided, never a crash" {
  write_config "$(trivial_stages_except accept)
[stages.accept]
command = \"true\""
  cd "$REPO"
  factory new heavy --no-tdd
  set_section heavy acceptance <<'YAML'
acceptance:
  - name: only a and b
    file_matches: { path: big.txt, pattern: "^(a|b)*$" }
  - name: runaway
    file_matches: { path: small.txt, pattern: "^(a|a)+$" }
YAML
  ws="$(ws_of heavy)"
  { head -c 300000 /dev/zero | tr '\0' a; echo; } >"$ws/big.txt"
  printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n' >"$ws/small.txt"
  run factory run heavy
  assert_status 1
  assert_output_has "✓ only a and b"
  assert_output_has "✗ runaway: small.txt: /^(a|a)+$/ could not be matched"
  run factory status heavy
  assert_output_has "failed"
}
