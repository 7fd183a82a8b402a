#!/usr/bin/env bats
# The generated pre-commit hook: real `git commit`s in real task worktrees, against the contract.

load helpers

setup() {
  e2e_setup
  make_repo python-calc
  mkdir -p "$REPO/src" "$REPO/secrets"
  echo "ok = 1" >"$REPO/src/ok.py"
  echo "key" >"$REPO/secrets/key.txt"
  commit_all "layout for the boundary tests"
}

# new_task <id> [factory new options]: a task whose workspace is $WS.
new_task() {
  local id="$1"
  shift
  (cd "$REPO" && factory new "$id" --no-tdd "$@" >/dev/null)
  WS="$(ws_of "$id")"
}

# try_commit <dir> <git commit args...>: runs git commit there; $status, $output, $stderr set.
try_commit() {
  local dir="$1"
  shift
  run --separate-stderr git -C "$dir" commit -q "$@"
}

# Fails unless the last try_commit was refused by the boundary hook for <task> and <file>.
assert_blocked() {
  [ "$status" -ne 0 ] || { echo "expected the commit to be refused" >&2; return 1; }
  [[ "$stderr" == *"✗ BLOCKED: $1 cannot modify $2"* ]] || {
    printf 'expected a BLOCKED line for %s, stderr:\n%s\n' "$2" "$stderr" >&2
    return 1
  }
}

@test "hooks: an allowed change commits, a forbidden one is blocked with the message" {
  new_task t --allow 'src/**' --forbid 'src/secret*'
  echo "x = 2" >"$WS/src/ok.py"
  git -C "$WS" add src/ok.py
  try_commit "$WS" -m "allowed"
  assert_status 0
  [ "$(task_commit_count t)" -ge 1 ]

  echo "new" >"$WS/README.md"
  echo "s" >"$WS/src/secret_key.py"
  git -C "$WS" add README.md src/secret_key.py
  try_commit "$WS" -m "forbidden"
  assert_blocked t README.md
  assert_blocked t src/secret_key.py
  [[ "$stderr" == *"allowed:   src/**"* ]]
  [[ "$stderr" == *"edit .factory/t/contract.yaml in the main worktree"* ]]
  [[ "$stderr" == *"factory contract check t"* ]]
  [[ "$stderr" == *"FACTORY_ALLOW_OUTSIDE="* ]]
  # Nothing was committed, nothing was unstaged.
  [ -n "$(git -C "$WS" diff --cached --name-only)" ]

  cd "$WS"
  run factory hook pre-commit
  assert_status 3
}

@test "hooks: an empty allowed list says that nothing is allowed" {
  new_task t
  printf 'task: t\nboundaries:\n  allowed_files: []\n' >"$REPO/.factory/t/contract.yaml"
  echo "x" >"$WS/src/ok.py"
  git -C "$WS" add src/ok.py
  try_commit "$WS" -m "x"
  assert_blocked t src/ok.py
  [[ "$stderr" == *"nothing (allowed_files is empty)"* ]]
}

@test "hooks: no check in the main worktree, a non-task worktree, or under another task's contract" {
  new_task u
  new_task t --allow 'src/**'
  echo "main" >>"$REPO/README.md"
  git -C "$REPO" add README.md
  try_commit "$REPO" -m "main may change anything"
  assert_status 0

  git -C "$REPO" worktree add -q -b feature "$BATS_TEST_TMPDIR/other"
  echo "other" >>"$BATS_TEST_TMPDIR/other/README.md"
  git -C "$BATS_TEST_TMPDIR/other" add README.md
  try_commit "$BATS_TEST_TMPDIR/other" -m "a plain worktree"
  assert_status 0

  echo "u" >>"$(ws_of u)/README.md"
  git -C "$(ws_of u)" add README.md
  try_commit "$(ws_of u)" -m "task u allows everything"
  assert_status 0

  echo "t" >>"$WS/README.md"
  git -C "$WS" add README.md
  try_commit "$WS" -m "task t does not"
  assert_blocked t README.md
}

@test "hooks: an existing user hook still runs first, its failure still blocks, uninstall restores it" {
  local log="$BATS_TEST_TMPDIR/user.log"
  printf '#!/bin/sh\necho ran >>"%s"\n[ ! -e "%s/stop" ]\n' "$log" "$BATS_TEST_TMPDIR" \
    >"$REPO/.git/hooks/pre-commit"
  chmod +x "$REPO/.git/hooks/pre-commit"
  cp "$REPO/.git/hooks/pre-commit" "$BATS_TEST_TMPDIR/user-hook"
  new_task t --allow 'src/**'

  echo "y = 1" >"$WS/src/y.py"
  git -C "$WS" add src/y.py
  try_commit "$WS" -m "allowed"
  assert_status 0
  [ "$(wc -l <"$log")" -eq 1 ]

  echo "main" >>"$REPO/README.md"
  git -C "$REPO" add README.md
  try_commit "$REPO" -m "main"
  assert_status 0
  [ "$(wc -l <"$log")" -eq 2 ]

  touch "$BATS_TEST_TMPDIR/stop"
  echo "z = 1" >"$WS/src/z.py"
  git -C "$WS" add src/z.py
  try_commit "$WS" -m "the user hook says no"
  [ "$status" -ne 0 ]

  cd "$REPO"
  run factory hook uninstall
  assert_status 0
  cmp "$REPO/.git/hooks/pre-commit" "$BATS_TEST_TMPDIR/user-hook"
  [ -x "$REPO/.git/hooks/pre-commit" ]
  [ ! -e "$REPO/.git/hooks/pre-commit.factory-user" ]
}

@test "hooks: with core.hooksPath set, commit-msg keeps running and uninstall restores the setting" {
  local log="$BATS_TEST_TMPDIR/hooks.log"
  mkdir -p "$REPO/.githooks"
  printf '#!/bin/sh\necho "commit-msg $(head -1 "$1")" >>"%s"\n' "$log" >"$REPO/.githooks/commit-msg"
  chmod +x "$REPO/.githooks/commit-msg"
  commit_all "team hooks"
  git -C "$REPO" config core.hooksPath .githooks
  new_task t --allow 'src/**'

  [ "$(git -C "$REPO" config core.hooksPath)" = "$REPO/.git/factory-hooks" ]
  echo "y = 1" >"$WS/src/y.py"
  git -C "$WS" add src/y.py
  try_commit "$WS" -m "allowed one"
  assert_status 0
  grep -qx "commit-msg allowed one" "$log"

  echo "r" >>"$WS/README.md"
  git -C "$WS" add README.md
  try_commit "$WS" -m "forbidden one"
  assert_blocked t README.md
  refute grep -q "forbidden one" "$log"

  cd "$REPO"
  run factory hook uninstall
  assert_status 0
  assert_output_has "core.hooksPath restored to .githooks"
  [ "$(git -C "$REPO" config core.hooksPath)" = ".githooks" ]
  [ ! -e "$REPO/.git/factory-hooks" ]
}

@test "hooks: a missing factory binary blocks the commit with the fix-it message" {
  new_task t --allow 'src/**'
  mkdir -p "$BATS_TEST_TMPDIR/gone"
  cp "$FACTORY_BIN" "$BATS_TEST_TMPDIR/gone/factory"
  (cd "$REPO" && "$BATS_TEST_TMPDIR/gone/factory" hook install t >/dev/null)
  grep -q "$BATS_TEST_TMPDIR/gone/factory" "$REPO/.git/hooks/pre-commit"
  rm "$BATS_TEST_TMPDIR/gone/factory"
  [ -z "$(type -P factory)" ] || skip "a factory binary is on PATH"

  echo "y = 1" >"$WS/src/y.py"
  git -C "$WS" add src/y.py
  try_commit "$WS" -m "allowed, but nobody can check"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"factory binary is missing"* ]]
  [[ "$stderr" == *"factory hook install"* ]]

  cd "$REPO"
  run factory hook install
  assert_status 0
  assert_output_has "pre-commit hook updated"
  try_commit "$WS" -m "checked again"
  assert_status 0
}

@test "hooks: git commit -a and git commit <path> are checked against their temporary index" {
  new_task t --allow 'src/**'
  echo "changed" >>"$WS/README.md"  # tracked, modified, not staged
  echo "x = 3" >"$WS/src/ok.py"
  git -C "$WS" add src/ok.py
  try_commit "$WS" -m "only the staged, allowed file"
  assert_status 0

  try_commit "$WS" -a -m "everything"
  assert_blocked t README.md

  try_commit "$WS" -m "just that path" -- README.md
  assert_blocked t README.md
  git -C "$WS" diff --quiet HEAD -- src/ok.py
  refute git -C "$WS" diff --quiet -- README.md  # the working file is untouched
}

@test "hooks: attack cases are blocked: rename out, symlinks, ../ targets, the contract itself" {
  new_task t --allow 'src/**' --forbid 'secrets/**'
  git -C "$WS" mv src/ok.py secrets/ok.py
  try_commit "$WS" -m "rename from allowed to forbidden"
  assert_blocked t secrets/ok.py
  git -C "$WS" reset -q --hard

  ln -s ../secrets/key.txt "$WS/src/key-link"
  git -C "$WS" add src/key-link
  try_commit "$WS" -m "symlink to a forbidden file"
  assert_blocked t src/key-link
  git -C "$WS" rm -q --cached src/key-link && rm "$WS/src/key-link"

  ln -s ../../../../etc/passwd "$WS/src/up"
  git -C "$WS" add src/up
  try_commit "$WS" -m "symlink climbing out with ../"
  assert_blocked t src/up
  git -C "$WS" rm -q --cached src/up && rm "$WS/src/up"

  mkdir -p "$WS/.factory/t"
  printf 'task: t\nboundaries:\n  allowed_files: ["**"]\n' >"$WS/.factory/t/contract.yaml"
  git -C "$WS" add -f .factory/t/contract.yaml
  try_commit "$WS" -m "widen my own contract"
  assert_blocked t .factory/t/contract.yaml
}

@test "hooks: odd file names are judged and printed safely" {
  new_task t --allow 'src/**'
  printf 'a' >"$WS/src/-rf ünï code.py"
  git -C "$WS" add -- "src/-rf ünï code.py"
  try_commit "$WS" -m "allowed odd name"
  assert_status 0

  printf 'a' >"$WS/with space.txt"
  printf 'a' >"$WS/-leading-dash"
  printf 'a' >"$WS/ünïcödé.txt"
  printf 'a' >"$WS/new"$'\n'"✗ BLOCKED: forged line"
  git -C "$WS" add -A -- .
  try_commit "$WS" -m "forbidden odd names"
  assert_blocked t "with space.txt"
  assert_blocked t "-leading-dash"
  assert_blocked t "ünïcödé.txt"
  assert_blocked t '"new\n✗ BLOCKED: forged line"'
  refute grep -q '^✗ BLOCKED: forged line' <<<"$stderr"
}

@test "hooks: 10k staged files get the right decision" {
  new_task t --allow 'src/**'
  mkdir -p "$WS/src/gen"
  (cd "$WS/src/gen" && for i in $(seq 1 10000); do echo "$i" >"f$i.py"; done)
  git -C "$WS" add src/gen
  try_commit "$WS" -m "10k allowed"
  assert_status 0

  (cd "$WS/src/gen" && for i in $(seq 1 10000); do echo "x" >>"f$i.py"; done)
  echo "one" >>"$WS/README.md"
  git -C "$WS" add -A
  try_commit "$WS" -m "10k allowed and one forbidden"
  assert_blocked t README.md
  [ "$(printf '%s\n' "$stderr" | grep -c '✗ BLOCKED')" -eq 1 ]
}

@test "hooks: FACTORY_ALLOW_OUTSIDE commits on the record; an empty reason is refused" {
  new_task t --allow 'src/**'
  echo "r" >>"$WS/README.md"
  git -C "$WS" add README.md
  FACTORY_ALLOW_OUTSIDE="  " try_commit "$WS" -m "no reason"
  assert_blocked t README.md
  [[ "$stderr" == *"needs a reason"* ]]

  FACTORY_ACTOR=alice FACTORY_ALLOW_OUTSIDE="release hotfix, agreed with bob" try_commit "$WS" -m "escape"
  assert_status 0
  [[ "$stderr" == *"alice committed outside task t's contract"* ]]
  [[ "$stderr" == *"release hotfix, agreed with bob"* ]]
  run /usr/bin/python3 - "$REPO/.factory/state.db" <<'EOF'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for actor, payload in db.execute(
        "select actor, payload from events where task = 't' and action = 'boundary_escape'"):
    p = json.loads(payload)
    print(actor, p["reason"], ",".join(p["files"]))
EOF
  assert_status 0
  [ "$output" = "alice release hotfix, agreed with bob README.md" ]
}

@test "hooks: a broken contract blocks every commit of the task (fail closed)" {
  new_task t
  printf 'task: t\nboundaries:\n  allowed_files: [\n' >"$REPO/.factory/t/contract.yaml"
  echo "x" >>"$WS/src/ok.py"
  git -C "$WS" add src/ok.py
  try_commit "$WS" -m "x"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"contract.yaml:"* ]]
  [[ "$stderr" == *"BLOCKED"* ]]
}

@test "hooks: install is idempotent and reports what it did; uninstall leaves no trace" {
  new_task t
  cd "$REPO"
  run factory hook install
  assert_status 0
  assert_output_has "pre-commit hook up to date"
  assert_output_has "task t: guarding $WS"
  run factory hook uninstall
  assert_status 0
  [ ! -e "$REPO/.git/hooks/pre-commit" ]
  [ ! -e "$REPO/.git/worktrees/t/factory-task" ]
  echo "r" >>"$WS/README.md"
  git -C "$WS" add README.md
  try_commit "$WS" -m "no hook any more"
  assert_status 0
}

# Re-points the hook at copies of factory and factory-hook in $STUB, then makes that factory a
# wrapper that logs each call to $STUB/calls: it shows whether factory-hook handed over to it.
use_logging_factory() {
  STUB="$BATS_TEST_TMPDIR/stub"
  mkdir -p "$STUB"
  cp "$FACTORY_BIN" "$STUB/factory"
  cp "$(dirname "$FACTORY_BIN")/factory-hook" "$STUB/factory-hook"
  (cd "$REPO" && "$STUB/factory" hook install >/dev/null)
  grep -q "$STUB/factory-hook" "$REPO/.git/hooks/pre-commit"
  printf '#!/bin/sh\necho "$*" >>"%s/calls"\nexec "%s" "$@"\n' "$STUB" "$FACTORY_BIN" >"$STUB/factory"
  : >"$STUB/calls"
}

@test "hooks: factory-hook decides commits on its own, without libgit2, SQLite or mbedtls" {
  new_task t --allow 'src/**'
  use_logging_factory
  run ldd "$STUB/factory-hook"
  assert_status 0
  refute grep -Eq 'libgit2|sqlite|mbedtls|libssh2' <<<"$output"

  echo "x = 2" >"$WS/src/ok.py"
  git -C "$WS" add src/ok.py
  try_commit "$WS" -m "allowed"
  assert_status 0
  echo "r" >>"$WS/README.md"
  git -C "$WS" add README.md
  try_commit "$WS" -m "forbidden"
  assert_blocked t README.md
  [[ "$stderr" == *"allowed:   src/**"* ]]
  [[ "$stderr" == *"FACTORY_ALLOW_OUTSIDE="* ]]
  [ ! -s "$STUB/calls" ]  # the full binary never started

  printf 'task: t\nboundaries:\n  allowed_files: [\n' >"$REPO/.factory/t/contract.yaml"
  try_commit "$WS" -m "broken contract"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"contract.yaml:"* ]]
  [[ "$stderr" == *"BLOCKED"* ]]
  [ ! -s "$STUB/calls" ]
}

@test "hooks: factory-hook hands over to factory for an index it cannot read; factory alone blocks" {
  new_task t --allow 'src/**'
  use_logging_factory
  echo "r" >>"$WS/README.md"
  git -C "$WS" add README.md
  git -C "$WS" update-index --index-version 4
  try_commit "$WS" -m "forbidden, index v4"
  assert_blocked t README.md
  [ "$(grep -cx "hook pre-commit --task t" "$STUB/calls")" -eq 1 ]

  git -C "$WS" update-index --index-version 2
  rm "$STUB/factory-hook"
  try_commit "$WS" -m "forbidden, no factory-hook"
  assert_blocked t README.md
  [ "$(grep -cx "hook pre-commit --task t" "$STUB/calls")" -eq 2 ]
}

@test "hooks: FACTORY_ALLOW_OUTSIDE goes through the full binary, which records the event" {
  new_task t --allow 'src/**'
  use_logging_factory
  echo "r" >>"$WS/README.md"
  git -C "$WS" add README.md
  FACTORY_ACTOR=carol FACTORY_ALLOW_OUTSIDE="agreed" try_commit "$WS" -m "escape"
  assert_status 0
  [[ "$stderr" == *"carol committed outside task t's contract"* ]]
  grep -qx "hook pre-commit --task t" "$STUB/calls"
}

@test "hooks: install upgrades a v1 dispatcher to the current one, which runs factory-hook" {
  new_task t --allow 'src/**'
  local hook="$REPO/.git/hooks/pre-commit"
  sed -i -e 's/^# factory-hook: pre-commit v[0-9]*$/# factory-hook: pre-commit v1/' \
    -e '/^factory_fast=/d' "$hook"
  cd "$REPO"
  run factory hook install
  assert_status 0
  assert_output_has "pre-commit hook updated"
  assert_output_has "(was v1)"
  grep -q "^# factory-hook: pre-commit v3$" "$hook"
  grep -q "^factory_fast='$(dirname "$FACTORY_BIN")/factory-hook'$" "$hook"
}

@test "hooks: a task worktree whose mark is lost is still checked, by its factory/<task> branch" {
  new_task t --allow 'src/**'
  rm "$(git -C "$WS" rev-parse --absolute-git-dir)/factory-task"
  mkdir -p "$WS/secrets"
  echo leak >"$WS/secrets/key"
  git -C "$WS" add secrets/key
  run git -C "$WS" commit -q -m outside
  [ "$status" -ne 0 ]
  assert_output_has "✗ BLOCKED: t cannot modify secrets/key"
}

@test "hooks: a symlink chain that leads into a forbidden folder is blocked" {
  new_task t --forbid 'secrets/**'
  mkdir -p "$WS/src/x/y" "$WS/k" "$WS/secrets"
  echo keep >"$WS/k/readme"
  echo key >"$WS/secrets/k"
  git -C "$WS" add k/readme && git -C "$WS" commit -q -m "k" --no-verify
  ln -s ../../../k "$WS/src/x/y/l"
  ln -s l/../secrets/k "$WS/src/x/y/m"
  git -C "$WS" add src/x/y/l src/x/y/m
  run git -C "$WS" commit -q -m sneaky
  [ "$status" -ne 0 ]
  assert_output_has "cannot modify src/x/y/m (symlink leads to secrets/k"
}
