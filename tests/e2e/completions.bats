#!/usr/bin/env bats
# Shell completions (completions/): bash, zsh and fish each load without error, offer every command
# and every action (contract show, audit verify, ...) that the real binary's --help lists, and
# complete task ids from `factory list`. The lists come from $FACTORY_BIN --help, so a command
# added without its completions fails here.

load helpers

setup() {
  e2e_setup
  # the completion scripts run `factory` from PATH for task ids
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  ln -s "$FACTORY_BIN" "$BATS_TEST_TMPDIR/bin/factory"
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
  COMPLETIONS="$FACTORY_SRC/completions"
  # fish keeps universal variables under these: not in the user's home
  export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config" XDG_DATA_HOME="$BATS_TEST_TMPDIR/data"
  cd "$BATS_TEST_TMPDIR"
}

# help_subcommands [cmd]: the names under "Subcommands:" in `factory [cmd] --help`.
help_subcommands() {
  factory "$@" --help | awk '/^Subcommands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# bash_candidates [word...]: what factory.bash offers after `factory <word>... `.
bash_candidates() {
  bash --norc --noprofile -c '
    source "$1" || exit 1
    shift
    COMP_WORDS=(factory "$@" "")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _factory
    printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/factory.bash" "$@"
}

# zsh_candidates [word...]: what _factory hands zsh's completion functions after
# `factory <word>... `. Those are stubbed (the real ones need an interactive shell): _describe
# prints the names it is given, _arguments and _values print the words of their specs.
zsh_candidates() {
  zsh -f -c '
    _describe() { local n; for n in "${(@P)2}"; do print -r -- "${n%%:*}"; done }
    _arguments() { local s="$*"; s=${s//[^A-Za-z0-9_-]/ }; print -rl -- ${=s} }
    _values() { _arguments "$@" }
    _files() { }
    file=$1; shift
    words=(factory "$@" "")
    CURRENT=$#words
    source $file' _ "$COMPLETIONS/_factory" "$@"
}

# zsh_tasks: the task ids _factory_tasks offers (the same _describe stub).
zsh_tasks() {
  zsh -f -c '
    _describe() { local n; for n in "${(@P)2}"; do print -r -- "${n%%:*}"; done }
    words=(factory); CURRENT=1
    source $1 && _factory_tasks' _ "$COMPLETIONS/_factory"
}

# fish_complete <command line>: the candidates factory.fish offers for it, one a line.
fish_complete() {
  fish --no-config -c 'source $argv[1]; or exit 1
    complete -C $argv[2]' "$COMPLETIONS/factory.fish" "$1" | cut -f1
}

# fish_candidates [word...]: what factory.fish offers after `factory <word>... `.
fish_candidates() {
  fish_complete "factory $* "
}

# assert_offers <shell> [word...]: every subcommand `factory [word] --help` lists is a candidate
# after `factory [word] `; names the missing ones.
assert_offers() {
  local shell="$1" want got name missing=()
  shift
  want="$(help_subcommands "$@")"
  [ -n "$want" ] || { echo "no Subcommands: section in factory $* --help" >&2; return 1; }
  got="$("${shell}_candidates" "$@")"
  for name in $want; do
    grep -qxF -- "$name" <<<"$got" || missing+=("$name")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    printf '%s completion of "factory %s" lacks: %s\n--- offered ---\n%s\n' \
      "$shell" "$*" "${missing[*]}" "$got" >&2
    return 1
  fi
}

# assert_offers_all <shell>: the commands, then the actions of each command that has some.
assert_offers_all() {
  local cmd
  assert_offers "$1"
  for cmd in $(help_subcommands); do
    [ -z "$(help_subcommands "$cmd")" ] || assert_offers "$1" "$cmd"
  done
}

# A repository with two tasks, for task-id completion.
make_tasks() {
  make_repo python-calc
  cd "$REPO"
  factory new batch-upload >/dev/null
  factory new fix-typo >/dev/null
}

@test "help: the binary lists its commands and actions (the lists the other tests check)" {
  run help_subcommands
  assert_output_has "init"
  assert_output_has "audit"
  run help_subcommands audit
  assert_output_has "verify"
}

@test "bash: factory.bash loads and offers every command and action --help lists" {
  run --separate-stderr bash --norc --noprofile -c 'source "$1" && complete -p factory' _ \
    "$COMPLETIONS/factory.bash"
  assert_status 0
  [ -z "$stderr" ] || { echo "stderr: $stderr" >&2; return 1; }
  assert_output_has "-F _factory factory"
  assert_offers_all bash
}

@test "bash: completes task ids and stage names" {
  make_tasks
  run bash_candidates status
  assert_output_has "batch-upload"
  assert_output_has "fix-typo"
  run bash_candidates run batch-upload --to
  assert_output_has "unit-test"
}

@test "zsh: _factory is registered by compinit and offers every command and action --help lists" {
  command -v zsh >/dev/null || skip "zsh not installed (make test-deps)"
  run --separate-stderr zsh -n "$COMPLETIONS/_factory"
  assert_status 0
  run --separate-stderr zsh -f -c 'fpath=($1 $fpath); autoload -Uz compinit
    compinit -u -d "$2" && print -r -- $_comps[factory]' _ "$COMPLETIONS" "$BATS_TEST_TMPDIR/zcompdump"
  assert_status 0
  [ -z "$stderr" ] || { echo "stderr: $stderr" >&2; return 1; }
  [ "$output" = _factory ] || { echo "compinit maps factory to: '$output'" >&2; return 1; }
  assert_offers_all zsh
}

@test "zsh: completes task ids" {
  command -v zsh >/dev/null || skip "zsh not installed (make test-deps)"
  make_tasks
  run zsh_tasks
  assert_output_has "batch-upload"
  assert_output_has "fix-typo"
}

@test "fish: factory.fish loads and offers every command and action --help lists" {
  command -v fish >/dev/null || skip "fish not installed (make test-deps)"
  run --separate-stderr fish --no-config -c 'source $argv[1]' "$COMPLETIONS/factory.fish"
  assert_status 0
  [ -z "$stderr" ] || { echo "stderr: $stderr" >&2; return 1; }
  assert_offers_all fish
}

@test "fish: completes task ids, stage names and option values" {
  command -v fish >/dev/null || skip "fish not installed (make test-deps)"
  make_tasks
  run fish_candidates status
  assert_output_has "batch-upload"
  assert_output_has "fix-typo"
  # "coverage" is a stage here, not the coverage command: its options must not appear
  run fish_complete "factory run --to coverage --"
  assert_output_has "--dry-run"
  assert_output_lacks "--min-patch"
  run fish_candidates coverage --format
  [ "$(sort <<<"$output" | tr '\n' ' ')" = "cobertura go lcov " ] || {
    echo "coverage --format offers: $output" >&2
    return 1
  }
}
