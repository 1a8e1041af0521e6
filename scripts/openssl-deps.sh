#!/usr/bin/env bash
# Installs the openssl command of the TLS policy tests
# (internal/edge/policy_openssl_test.go): Debian's openssl, with apt-get
# when it is missing. Idempotent and quiet on success; on failure it prints
# apt-get's output. Uses sudo only when not root. scripts/test.sh calls it.
set -euo pipefail

if command -v openssl >/dev/null 2>&1 && openssl version >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "openssl-deps: openssl is missing and apt-get is not available; install OpenSSL's command line tool" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "openssl-deps: openssl is missing; run as root or install sudo (apt-get install openssl)" >&2
    exit 1
  fi
  sudo=(sudo -n)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt() {
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >>"$log" 2>&1; then
    echo "openssl-deps: apt-get $* failed:" >&2
    cat "$log" >&2
    exit 1
  fi
}
echo "openssl-deps: installing Debian's openssl" >&2
apt -q update
apt -q -y --no-install-recommends install openssl

if ! openssl version >/dev/null 2>&1; then
  echo "openssl-deps: openssl was installed but 'openssl version' fails" >&2
  exit 1
fi
