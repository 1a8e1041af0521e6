#!/usr/bin/env bash
# Installs the Node packages of the JavaScript client tests (test/node) when
# they are missing or no longer match test/node/package-lock.json, with
# `npm ci` (exact versions from the lock). Idempotent and quiet on success;
# on failure it prints npm's output. Run from anywhere; scripts/test.sh calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=test/node
stamp="$dir/node_modules/.gognito-deps"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "node-deps: '$tool' is required for the JavaScript client tests (install Node.js 20 or later with npm)" >&2
    exit 1
  fi
done
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "node-deps: Node.js 20 or later is required, found $(node --version)" >&2
  exit 1
fi

# What the installed tree was made from: the manifest, the lock and Node's major.
want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)-node$major
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  ok=1
  for pkg in amazon-cognito-identity-js @aws-sdk/client-cognito-identity-provider jose aws-amplify openid-client; do
    [ -f "$dir/node_modules/$pkg/package.json" ] || ok=0
  done
  if [ "$ok" = 1 ]; then
    exit 0
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm ci --prefix "$dir" --no-audit --no-fund --prefer-offline --loglevel=error >"$log" 2>&1; then
  echo "node-deps: npm ci --prefix $dir failed:" >&2
  cat "$log" >&2
  exit 1
fi
printf '%s\n' "$want" >"$stamp"
