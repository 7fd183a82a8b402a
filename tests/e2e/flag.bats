#!/usr/bin/env bats
# `factory flag eval` (docs/ROLLOUT.md, "Predicting who is in"): for ~200 targeting keys per
# flag, the variant factory prints is the one an independent Python evaluator of flagd's
# bucketing (fixtures/flagd_bucket.py: MurmurHash3 + (hash * total) >> 32, written from the
# algorithm) gives, for factory's own flag and for other people's flags in the same file.

load helpers

setup() {
  e2e_setup
  FLAGS="$BATS_TEST_TMPDIR/flags.json"
  BUCKET="$FACTORY_SRC/tests/e2e/fixtures/flagd_bucket.py"
  cat >"$FLAGS" <<'EOF'
{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "batch-upload": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "fractional": [["on", 10], ["off", 90]] },
      "metadata": { "owner": "factory", "task": "batch-upload" }
    },
    "checkout-color": {
      "state": "ENABLED",
      "variants": { "red": "#f00", "blue": "#00f", "green": "#0f0" },
      "defaultVariant": "red",
      "targeting": { "fractional": [["red", 50], ["blue", 30], ["green", 20]] }
    },
    "seeded": {
      "state": "ENABLED",
      "variants": { "a": 1, "b": 2 },
      "defaultVariant": "a",
      "targeting": {
        "fractional": [
          { "cat": [{ "var": "$flagd.flagKey" }, "-", { "var": "targetingKey" }] },
          ["a", 25], ["b", 75]
        ]
      }
    },
    "by-key": {
      "state": "ENABLED",
      "variants": { "x": "x", "y": "y", "z": "z" },
      "defaultVariant": "z",
      "targeting": { "fractional": [{ "var": "targetingKey" }, ["x"], ["y"], ["z", 2]] }
    },
    "switched-off": {
      "state": "DISABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "fractional": [["on", 100], ["off", 0]] }
    },
    "fixed": {
      "state": "ENABLED",
      "variants": { "small": 10, "large": 100 },
      "defaultVariant": "large"
    },
    "by-email": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "if": [{ "ends_with": [{ "var": "email" }, "@example.com"] }, "on", "off"] }
    }
  }
}
EOF
  cd "$BATS_TEST_TMPDIR"
}

# 200 targeting keys: ids, emails, and some non-ASCII ones (hashed as UTF-8).
keys() {
  local i
  for i in $(seq 1 120); do echo "user-$i"; done
  for i in $(seq 1 60); do echo "person$i@example.com"; done
  for i in $(seq 1 20); do echo "ключ-$i-é"; done
}

# assert_agrees <flag>: factory's answer equals the Python evaluator's for every key; prints the
# variants seen (to check the keys really spread over the buckets).
assert_agrees() {
  local flag="$1" key expected actual
  mapfile -t all < <(keys)
  expected="$(/usr/bin/python3 "$BUCKET" "$FLAGS" "$flag" "${all[@]}")"
  actual="$(for key in "${all[@]}"; do factory flag eval "$flag" "$key" --file "$FLAGS" || echo "FAILED $key"; done)"
  if [ "$expected" != "$actual" ]; then
    diff <(paste -d' ' <(keys) <(echo "$expected")) <(paste -d' ' <(keys) <(echo "$actual")) >&2
    return 1
  fi
  sort -u <<<"$actual" | tr '\n' ' '
}

@test "flag eval agrees with an independent flagd evaluator: factory's own 10% flag" {
  run assert_agrees batch-upload
  assert_status 0
  [ "$output" = "off on " ]
}

@test "flag eval agrees on a three-variant weighted flag someone else owns" {
  run assert_agrees checkout-color
  assert_status 0
  [ "$output" = "blue green red " ]
}

@test "flag eval agrees on a cat bucketBy of \$flagd.flagKey, a string and targetingKey" {
  run assert_agrees seeded
  assert_status 0
  [ "$output" = "a b " ]
}

@test "flag eval agrees on a targetingKey bucketBy with name-only buckets (weight 1)" {
  run assert_agrees by-key
  assert_status 0
  [ "$output" = "x y z " ]
}

@test "disabled and static flags give the defaultVariant for every key" {
  run assert_agrees switched-off
  assert_status 0
  [ "$output" = "off " ]
  run assert_agrees fixed
  assert_status 0
  [ "$output" = "large " ]
}

@test "--json gives the variant, the reason and the bucket (hash * total weight) >> 32" {
  run --separate-stderr factory flag eval checkout-color alice@example.com --file "$FLAGS" --json
  assert_status 0
  local bucket
  bucket="$(cd "$FACTORY_SRC/tests/e2e/fixtures" && /usr/bin/python3 -c \
    'from flagd_bucket import murmur3_x86_32 as m; print((m(b"checkout-coloralice@example.com") * 100) >> 32)')"
  run /usr/bin/python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
assert list(doc) == ["flag", "key", "variant", "reason", "bucket", "total_weight"], list(doc)
assert doc["flag"] == "checkout-color" and doc["key"] == "alice@example.com"
assert doc["reason"] == "TARGETING_MATCH" and doc["total_weight"] == 100
assert doc["bucket"] == int(sys.argv[2]), (doc["bucket"], sys.argv[2])
print(doc["variant"])' "$output" "$bucket"
  assert_status 0
  [ "$output" = "$(/usr/bin/python3 "$BUCKET" "$FLAGS" checkout-color alice@example.com)" ]

  run --separate-stderr factory flag eval switched-off alice --file "$FLAGS" --json
  assert_status 0
  assert_output_has '"reason": "DISABLED"'
  assert_output_has '"bucket": null'
}

@test "the flag file defaults to .factory.toml's [flags] file at the repository's root" {
  make_repo python-calc
  mkdir -p "$REPO/deploy"
  cp "$FLAGS" "$REPO/deploy/flags.json"
  write_config $'[flags]\nfile = "deploy/flags.json"'
  mkdir -p "$REPO/sub" && cd "$REPO/sub"
  run --separate-stderr factory flag eval checkout-color user-7
  assert_status 0
  [ "$output" = "$(/usr/bin/python3 "$BUCKET" "$FLAGS" checkout-color user-7)" ]
  # without [flags], .factory/flags.json
  write_config ""
  run --separate-stderr factory flag eval checkout-color user-7
  assert_usage_error ".factory/flags.json: no such flag file"
  mkdir -p "$REPO/.factory"
  cp "$FLAGS" "$REPO/.factory/flags.json"
  run --separate-stderr factory flag eval checkout-color user-7
  assert_status 0
}

@test "bad input: unknown flag, unsupported operator, missing file, outside a repository" {
  run --separate-stderr factory flag eval batch-uplaod user-1 --file "$FLAGS"
  assert_usage_error "flag 'batch-uplaod' is not in $FLAGS"
  [[ "$stderr" == *"batch-upload, checkout-color"* ]]

  run --separate-stderr factory flag eval by-email person1@example.com --file "$FLAGS"
  assert_usage_error "flag 'by-email'"
  [[ "$stderr" == *"'if'"* ]]

  run --separate-stderr factory flag eval batch-upload user-1 --file "$BATS_TEST_TMPDIR/none.json"
  assert_usage_error "none.json: no such flag file"

  run --separate-stderr factory flag eval batch-upload user-1
  assert_usage_error "not inside a git repository"

  run --separate-stderr factory flag
  assert_status 2
}

@test "bad input: a file that is not valid JSON is exit 2 with file:line:col" {
  printf '{\n  "flags": {\n    "a": }\n}\n' >"$FLAGS"
  local where
  # Python's json module locates the same character independently.
  where="$(/usr/bin/python3 -c '
import json, sys
try:
    json.load(open(sys.argv[1]))
except json.JSONDecodeError as e:
    print(f"{e.lineno}:{e.colno}")' "$FLAGS")"
  [ "$where" = "3:10" ]
  cp "$FLAGS" "$BATS_TEST_TMPDIR/before"
  run --separate-stderr factory flag eval a k --file "$FLAGS"
  assert_usage_error "$FLAGS:$where: not valid JSON"
  [[ "$stderr" == *"never overwrites"* ]]
  cmp "$FLAGS" "$BATS_TEST_TMPDIR/before"

  echo '["not", "an", "object"]' >"$FLAGS"
  run --separate-stderr factory flag eval a k --file "$FLAGS"
  assert_usage_error "the top level is an array"
}
