#!/usr/bin/env bash
# Installs the browser of the browser tests (internal/app/browser_test.go):
# Debian's chromium, at /usr/bin/chromium, with apt-get when it is missing.
# Idempotent and quiet on success; on failure it prints apt-get's output.
# Uses sudo only when not root. Run from anywhere; scripts/test.sh calls it.
set -euo pipefail

browser=/usr/bin/chromium
if [ -x "$browser" ] && "$browser" --version >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser-deps: $browser is missing and apt-get is not available; install Chromium so that $browser exists" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "browser-deps: $browser is missing; run as root or install sudo (apt-get install chromium)" >&2
    exit 1
  fi
  sudo=(sudo -n)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt() {
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >>"$log" 2>&1; then
    echo "browser-deps: apt-get $* failed:" >&2
    cat "$log" >&2
    exit 1
  fi
}
echo "browser-deps: installing Debian's chromium (once; this takes a few minutes)" >&2
# The package lists may be missing or stale on a new machine: update first.
apt -q update
# fonts-dejavu-core: so that screenshots show text (usually there already).
apt -q -y --no-install-recommends install chromium fonts-dejavu-core

if ! "$browser" --version >/dev/null 2>&1; then
  echo "browser-deps: chromium was installed but $browser --version fails:" >&2
  "$browser" --version >&2 || true
  exit 1
fi
