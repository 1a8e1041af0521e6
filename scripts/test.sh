#!/usr/bin/env bash
# Runs every test of the repository and prints how many ran. Used by
# `make test` and CI. Fails when any test fails or is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

# The fuzz targets run bounded by input count (scripts/fuzz.sh), not by a
# duration: when a -fuzztime duration ends while a worker is inside a slow
# input, go test can report "context deadline exceeded" as a failure (seen
# once here).
log=$(mktemp)
trap 'rm -f "$log"' EXIT

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "test: '$1' is required ($2)" >&2
    exit 1
  fi
}
need go "install Go from https://go.dev/dl"
need aws "the AWS CLI is used by the compatibility tests"
need python3 "boto3 is used by the compatibility tests"
if ! python3 -c 'import boto3' 2>/dev/null; then
  echo "test: python3 cannot import boto3 (pip install boto3)" >&2
  exit 1
fi

need node "Node.js runs the amazon-cognito-identity-js and AWS SDK for JavaScript tests"
need npm "npm installs the JavaScript test clients"
echo "== node packages (test/node)"
./scripts/node-deps.sh

echo "== browser (Debian's chromium, for internal/app/browser_test.go)"
./scripts/browser-deps.sh

echo "== openssl (for the TLS policy tests, internal/edge/policy_openssl_test.go)"
./scripts/openssl-deps.sh
echo "== ACME client (Debian's certbot, for internal/app/acme19_e2e_test.go)"
./scripts/certbot-deps.sh

echo "== go vet"
go vet ./...

echo "== go test (every package)"
status=0
# A private PostgreSQL (installed from Debian's packages when missing) runs
# for the duration: the PostgreSQL backend is held to the same conformance
# suite as SQLite.
./scripts/postgres-test.sh go test -count=1 -v -timeout 10m ./... >"$log" 2>&1 || status=$?
grep -E '^(ok|FAIL|---|panic:|\s+--- FAIL)' "$log" | grep -v -- '--- PASS' || true

echo "== fuzz (every target, bounded by input count; \`make fuzz\` runs them long)"
fstatus=0
flog=$(mktemp)
./scripts/fuzz.sh >"$flog" 2>&1 || fstatus=$?
grep -E '^fuzz (ok|FAIL):' "$flog" || true
fuzzed=$(sed -n 's/^fuzz targets run: //p' "$flog")
if [ "$fstatus" -ne 0 ]; then
  cat "$flog" >>"$log"
fi
rm -f "$flog"

passed=$(grep -cE '^\s*--- PASS' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$log" || true)
echo "== tests run: $((passed + failed + skipped)) (passed $passed, failed $failed, skipped $skipped); fuzz targets run: ${fuzzed:-0}"

if [ "$status" -ne 0 ] || [ "$fstatus" -ne 0 ] || [ "$failed" -ne 0 ]; then
  echo "== FAILED; the full log follows the failures:" >&2
  grep -B2 -A30 -E -- '--- FAIL|^panic:|^FAIL' "$log" | head -n 400 >&2
  exit 1
fi
if [ "$skipped" -ne 0 ]; then
  echo "== $skipped test(s) were skipped; every test must run" >&2
  grep -E -- '--- SKIP' "$log" >&2
  exit 1
fi
echo "== all tests passed"
