#!/usr/bin/env bash
# Installs the ACME client of the ACME tests (internal/app/acme19_e2e_test.go):
# Debian's certbot, at /usr/bin/certbot, with apt-get when it is missing.
# Idempotent and quiet on success; on failure it prints apt-get's output.
# Uses sudo only when not root. Run from anywhere; scripts/test.sh calls it.
set -euo pipefail

certbot=/usr/bin/certbot
if [ -x "$certbot" ] && "$certbot" --version >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "certbot-deps: $certbot is missing and apt-get is not available; install certbot so that $certbot exists" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "certbot-deps: $certbot is missing; run as root or install sudo (apt-get install certbot)" >&2
    exit 1
  fi
  sudo=(sudo -n)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt() {
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >>"$log" 2>&1; then
    echo "certbot-deps: apt-get $* failed:" >&2
    cat "$log" >&2
    exit 1
  fi
}
echo "certbot-deps: installing Debian's certbot (once)" >&2
# The package lists may be missing or stale on a new machine: update first.
apt -q update
apt -q -y --no-install-recommends install certbot

if ! "$certbot" --version >/dev/null 2>&1; then
  echo "certbot-deps: certbot was installed but $certbot --version fails:" >&2
  "$certbot" --version >&2 || true
  exit 1
fi
