# Shared set-up for the end-to-end suites: the real factory binary against throw-away git
# repositories made from the sample projects in examples/.
#
# ctest passes FACTORY_BIN (the binary) and FACTORY_SRC (the repository root); when a suite is run
# by hand with `bats tests/e2e/x.bats`, both default to the checkout and its build/ folder.

bats_require_minimum_version 1.5.0

FACTORY_SRC="${FACTORY_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
FACTORY_BIN="${FACTORY_BIN:-$FACTORY_SRC/build/factory}"
export FACTORY_SRC FACTORY_BIN

# Per-test environment. /usr/bin goes first: the python3 the e2e tests mean is Debian's, whose
# pytest/coverage/black/mypy/bandit packages are installed (a pyenv python3 earlier on PATH has none).
e2e_setup() {
  [ -x "$FACTORY_BIN" ] || {
    echo "factory binary not found at $FACTORY_BIN (build it: make build)" >&2
    return 1
  }
  export PATH="/usr/bin:/bin:$PATH"
  export NO_COLOR=1
  export LC_ALL=C.UTF-8
  export GIT_CONFIG_NOSYSTEM=1
  export GIT_AUTHOR_NAME="E2E Tester" GIT_AUTHOR_EMAIL="e2e@example.com"
  export GIT_COMMITTER_NAME="E2E Tester" GIT_COMMITTER_EMAIL="e2e@example.com"
  unset FACTORY_TASK FACTORY_STAGE FACTORY_WORKSPACE FACTORY_CACHE
}

# The binary under test. A hung factory must fail the test, not the whole ctest run:
# FACTORY_E2E_TIMEOUT (seconds) bounds every call; 124 means it hung.
factory() {
  timeout -k 5 "${FACTORY_E2E_TIMEOUT:-600}" "$FACTORY_BIN" "$@"
}

# make_repo <sample> [name]: copies examples/<sample> to $BATS_TEST_TMPDIR/<name> (default "repo"),
# makes it a git repository on branch main with one commit. Sets REPO.
make_repo() {
  local sample="$1" name="${2:-repo}"
  REPO="$BATS_TEST_TMPDIR/$name"
  mkdir -p "$REPO"
  cp -R "$FACTORY_SRC/examples/$sample/." "$REPO/"
  git -C "$REPO" init -q -b main
  git -C "$REPO" config user.name "E2E Tester"
  git -C "$REPO" config user.email "e2e@example.com"
  git -C "$REPO" config commit.gpgsign false
  git -C "$REPO" add -A
  git -C "$REPO" commit -q -m "initial: $sample"
  export REPO
}

# The workspace factory makes for a task by default: the sibling folder <repo>.factory/<task>.
ws_of() {
  echo "$REPO.factory/$1"
}

# commit_all <message>: commits everything in the main worktree (e.g. a .factory.toml).
commit_all() {
  git -C "$REPO" add -A
  git -C "$REPO" commit -q -m "$1"
}

# Commits on the task branch that are not on main.
task_commit_count() {
  git -C "$REPO" rev-list --count "main..factory/$1"
}

# A python3 that cannot see Debian's dist-packages (-S: no site), so pytest and friends are
# "missing" the way they are on a machine without them. Puts it first on PATH.
hide_python_tools() {
  local bin="$BATS_TEST_TMPDIR/nopytools"
  mkdir -p "$bin"
  printf '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n' >"$bin/python3"
  chmod +x "$bin/python3"
  export PATH="$bin:$PATH"
}

# Snapshot of a workspace's change (status plus the content of every changed file) into a folder,
# to compare before a revert and after an unrevert.
snapshot_change() {
  local ws="$1" out="$2" f
  mkdir -p "$out/files"
  git -C "$ws" status --porcelain --untracked-files=all | sort >"$out/status"
  git -C "$ws" diff HEAD >"$out/diff"
  while IFS= read -r f; do
    mkdir -p "$out/files/$(dirname "$f")"
    cp "$ws/$f" "$out/files/$f"
  done < <(git -C "$ws" status --porcelain --untracked-files=all | cut -c4-)
}

# Prints the lines of $output containing every given string (fails when there is none).
line_with() {
  local line s ok found=1
  while IFS= read -r line; do
    ok=1
    for s in "$@"; do [[ "$line" == *"$s"* ]] || { ok=0; break; }; done
    if [ "$ok" = 1 ]; then
      echo "$line"
      found=0
    fi
  done <<<"$output"
  return $found
}

# Fails (showing $output) unless $output contains the string.
assert_output_has() {
  if [[ "$output" != *"$1"* ]]; then
    printf 'expected output to contain: %s\n--- output ---\n%s\n' "$1" "$output" >&2
    return 1
  fi
}

# Fails (showing $output) when $output contains the string.
assert_output_lacks() {
  if [[ "$output" == *"$1"* ]]; then
    printf 'expected output NOT to contain: %s\n--- output ---\n%s\n' "$1" "$output" >&2
    return 1
  fi
}

# Fails (showing $output) unless the exit status is the expected one.
assert_status() {
  if [ "$status" -ne "$1" ]; then
    printf 'expected exit status %s, got %s\n--- output ---\n%s\n' "$1" "$status" "$output" >&2
    [ -z "${stderr:-}" ] || printf -- '--- stderr ---\n%s\n' "$stderr" >&2
    return 1
  fi
}

# Fails unless the workspace has no change at all (git status --porcelain is empty).
assert_clean() {
  local st
  st="$(git -C "$1" status --porcelain --untracked-files=all)"
  if [ -n "$st" ]; then
    printf 'expected a clean tree in %s, git status says:\n%s\n' "$1" "$st" >&2
    return 1
  fi
}

# A number unique to this test, for sleep commands pgrep can find ("sleep 7123456").
unique_number() {
  echo $((7000000 + ($$ % 1000) * 1000 + RANDOM % 1000))
}

# Kills leftover processes whose command line has the marker (cleanup only, never an assertion).
kill_marker() {
  local pid
  for pid in $(pgrep -f -- "$1"); do kill -9 "$pid" 2>/dev/null || true; done
}

# Fails when the command succeeds (a plain `! cmd` does not fail a bats test).
refute() {
  if "$@"; then
    echo "expected to fail: $*" >&2
    return 1
  fi
}

# Fails, listing them, when processes whose command line has the marker are still running.
assert_no_process() {
  local left
  left="$(pgrep -af -- "$1" || true)"
  if [ -n "$left" ]; then
    printf 'processes left behind:\n%s\n' "$left" >&2
    return 1
  fi
}

# write_config <toml>: the project's .factory.toml, committed so the main tree stays clean.
write_config() {
  printf '%s\n' "$1" >"$REPO/.factory.toml"
  commit_all "factory config"
}

# TOML that makes every stage but the named ones a no-op.
trivial_stages_except() {
  local s keep
  for s in implement unit-test coverage lint static integration security review accept; do
    for keep in "$@"; do [ "$s" = "$keep" ] && continue 2; done
    if [ "$s" = coverage ]; then
      # the coverage stage needs a total to compare with the threshold
      printf '[stages.coverage]\ncommand = "echo TOTAL 10 0 100%%"\n'
    else
      printf '[stages.%s]\ncommand = "true"\n' "$s"
    fi
  done
}

# Fails unless the command failed with a usage error: exit 2, nothing on stdout, a short message
# on stderr that names $1.
assert_usage_error() {
  assert_status 2
  [ -z "$output" ] || { echo "stdout should be empty, got: $output" >&2; return 1; }
  [ -n "$stderr" ] || { echo "stderr is empty" >&2; return 1; }
  [ "$(printf '%s\n' "$stderr" | wc -l)" -le 2 ] || { printf 'error is not short:\n%s\n' "$stderr" >&2; return 1; }
  [[ "$stderr" == *"$1"* ]] || { printf 'error does not name %s:\n%s\n' "$1" "$stderr" >&2; return 1; }
}
