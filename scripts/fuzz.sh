#!/usr/bin/env bash
# Runs every native Go fuzz target of the repository, one after the other,
# and prints one line per target: its name, package, and the length of the
# run as go test reports it (time and executions).
#
#   scripts/fuzz.sh                 each target for its bounded input count
#                                   (the short run `make test` does)
#   FUZZTIME=10m scripts/fuzz.sh    each target for 10 minutes (`make fuzz`)
#   FUZZ=SRP FUZZTIME=5m scripts/fuzz.sh   only the targets matching FUZZ
#   FUZZPARALLEL=1 ...              fuzzing workers per target (default:
#                                   go test's, one per CPU)
#
# The short run also bounds the minimization of new inputs (100 executions
# each); long runs keep go test's default (a minute each).
#
# New failing inputs are written by go test to the package's
# testdata/fuzz/<Target>/; commit them with the fix, as regression seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

# package, target, bounded input count. The counts keep the whole short run
# near a minute and a half on a 2-core machine (the expensive targets play
# full SRP exchanges or HTTP requests against a real store).
targets=(
  "./internal/api FuzzDecodeRequest 50000"
  "./internal/users FuzzParseFilter 30000"
  "./internal/srp FuzzServerSession 3000"
  "./internal/srp FuzzParseTimestamp 30000"
  "./internal/certs FuzzImportCertificate 5000"
  "./internal/app FuzzDispatch 20000"
  "./internal/app FuzzSRPSignIn 1500"
  "./internal/app FuzzOAuthEndpoints 10000"
)

# timeout_for prints a go test -timeout that leaves room beyond a -fuzztime
# duration (the seeds and the set-up run first).
timeout_for() {
  local t=$1 n unit
  case $t in
    *x) echo 5m; return ;;
  esac
  n=${t%[smh]}
  unit=${t#"$n"}
  case $unit in
    s) echo "$((n + 300))s" ;;
    m) echo "$((n * 60 + 300))s" ;;
    h) echo "$((n * 3600 + 300))s" ;;
    *) echo "fuzz: FUZZTIME must be a count (30000x) or whole seconds, minutes or hours (90s, 10m, 1h)" >&2; exit 2 ;;
  esac
}

status=0
ran=0
for t in "${targets[@]}"; do
  read -r pkg name count <<<"$t"
  if [ -n "${FUZZ:-}" ] && ! [[ $name =~ $FUZZ ]]; then
    continue
  fi
  fuzztime=${FUZZTIME:-${count}x}
  args=(-run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -timeout "$(timeout_for "$fuzztime")")
  if [ -z "${FUZZTIME:-}" ]; then
    # A new interesting input is minimized for up to a minute by default,
    # whatever -fuzztime says: bound that too in the short run.
    args+=(-fuzzminimizetime 100x)
  fi
  if [ -n "${FUZZPARALLEL:-}" ]; then
    args+=(-parallel "$FUZZPARALLEL")
  fi
  out=$(mktemp)
  start=$(date +%s)
  if go test "${args[@]}" "$pkg" >"$out" 2>&1; then
    verdict=ok
  else
    verdict=FAIL
    status=1
  fi
  # The last progress line: "fuzz: elapsed: 5s, execs: 20000 (4123/sec), ...".
  progress=$(grep -E '^fuzz: elapsed: .*execs: [0-9]+' "$out" | tail -n 1 | sed -E 's/^fuzz: elapsed: ([^,]+), execs: ([0-9]+).*/\1, \2 execs/' || true)
  echo "fuzz $verdict: $name ($pkg): ${progress:-no progress line}; $(($(date +%s) - start))s with the build"
  if [ "$verdict" = FAIL ]; then
    grep -v -E '^fuzz: elapsed:' "$out" | tail -n 60 >&2
  fi
  rm -f "$out"
  ran=$((ran + 1))
done
echo "fuzz targets run: $ran"
exit $status
