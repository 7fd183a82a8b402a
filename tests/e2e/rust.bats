#!/usr/bin/env bats
# Rust (cargo build/test, cargo fmt, clippy -D warnings) end to end on examples/rust-calc.

load helpers
load story

SAMPLE=rust-calc
LANG_NAME=rust
MARKER=Cargo.toml
BREAK_MODIFIED=src/lib.rs
BREAK_NEW=src/double.rs
TDD_TEST_FILE=tests/mul.rs
GATE_STAGE=static

setup() {
  command -v cargo >/dev/null || skip "cargo not installed"
  story_setup
}

lang_green_change() {
  cat >"$1/src/lib.rs" <<'EOF'
//! A tiny calculator, the sample project factory's e2e tests run on.

/// Returns the sum of `a` and `b`.
pub fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Returns `a` minus `b`.
pub fn sub(a: i64, b: i64) -> i64 {
    a - b
}

/// Returns `a` times `b`.
pub fn mul(a: i64, b: i64) -> i64 {
    a * b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(2, 3), 5);
    }

    #[test]
    fn subtracts() {
        assert_eq!(sub(5, 3), 2);
    }

    #[test]
    fn multiplies() {
        assert_eq!(mul(4, 3), 12);
    }
}
EOF
}

lang_break() {
  sed -i 's/    a - b/    a + b/' "$1/src/lib.rs"
  printf '/// Returns 2x.\npub fn double(x: i64) -> i64 {\n    2 * x\n}\n' >"$1/src/double.rs"
}

lang_red_test() {
  sed -i 's|^#\[cfg(test)\]|/// Returns `a` times `b`.\npub fn mul(_a: i64, _b: i64) -> i64 {\n    0\n}\n\n#[cfg(test)]|' "$1/src/lib.rs"
  mkdir -p "$1/tests"
  cat >"$1/tests/mul.rs" <<'EOF'
#[test]
fn multiplies() {
    assert_eq!(calc::mul(4, 3), 12);
}
EOF
}

lang_gate_violation() {
  cat >>"$1/src/lib.rs" <<'EOF'

/// Whether `x` is zero (clippy: needless_bool).
pub fn is_zero(x: i64) -> bool {
    if x == 0 {
        true
    } else {
        false
    }
}
EOF
}

@test "rust: init detects rust" { story_init_detects; }
@test "rust: a green run commits once and leaves no byproducts" { story_green_run_commits_once; }
@test "rust: a red unit-test reverts a modified and a new file and prints both" { story_red_reverts; }
@test "rust: tdd-setup passes on red and commits only the test file" { story_tdd_red; }
@test "rust: unrevert (task inferred in the workspace) restores the discarded change" { story_unrevert; }
@test "rust: a clippy warning is red at static (-D warnings) and reverted" {
  cargo clippy --version >/dev/null 2>&1 || skip "clippy not installed"
  story_gate_red
}
