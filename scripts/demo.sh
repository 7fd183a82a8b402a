#!/usr/bin/env bash
# The story `make run` tells: a sample Python project goes through factory init, new (with a
# contract), a red stage that is reverted (and shown), unrevert, a commit outside the contract
# blocked by the pre-commit hook, a fix, and all ten stages green.
set -euo pipefail
factory_bin=$(realpath "${1:?usage: demo.sh path/to/factory}")
here=$(cd "$(dirname "$0")/.." && pwd)
# Debian's pytest/coverage/black/mypy/bandit belong to /usr/bin/python3; a pyenv python3 earlier
# on PATH would hide them.
export PATH="/usr/bin:$PATH"
export FACTORY_ACTOR="${FACTORY_ACTOR:-demo}"
factory() { "$factory_bin" "$@"; }
say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

demo=$(mktemp -d /tmp/factory-demo.XXXXXX)
repo="$demo/python-calc"
cp -r "$here/examples/python-calc" "$repo"
cd "$repo"
git init -q -b main
git config user.name "Demo User"
git config user.email "demo@example.com"
git add -A && git commit -qm "python-calc: the sample project"

say "1. factory init detects Python and writes .factory.toml"
show factory init
git add -A && git commit -qm "factory init"

say "2. factory new: an isolated worktree on its own branch, with a contract and a boundary hook"
show factory new add-mul --allow calc.py --allow 'tests/**'
show factory contract check add-mul
cd "$repo.factory/add-mul"

say "3. Write a failing test first: tdd-setup passes on red and snapshots the test"
cat >>tests/test_calc.py <<'PY'


def test_mul() -> None:
    assert calc.mul(3, 4) == 12
PY
show factory run --to tdd-setup

say "4. A wrong implementation plus a stray file: unit-test is red, so the change is reverted"
cat >>calc.py <<'PY'


def mul(a: int, b: int) -> int:
    """Returns a times b."""
    return a**b
PY
printf 'SCRATCH = True\n' >scratch.py
show factory run || true
echo "(the working tree is back at the last green state:)"
show git status --short

say "5. factory unrevert brings the discarded change back; fix it and drop the scratch file"
show factory unrevert
sed -i 's/return a\*\*b/return a * b/' calc.py
rm scratch.py
show git diff --stat

say "6. The contract holds: a commit touching README.md is blocked by the pre-commit hook"
echo "Multiplication is supported." >>README.md
git add README.md
show git commit -qm "docs: mention mul" || true
git reset -q README.md && git checkout -q README.md

say "7. All stages green: one commit for the cycle, ready for a decision"
show factory run
show git log --oneline -3
show factory status
printf '\nDemo repository left at %s (remove it when done).\n' "$repo"
