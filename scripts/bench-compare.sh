#!/usr/bin/env bash
# bench-compare.sh: one unattended run that benchmarks gognito (SQLite, durable
# commits), moto_server and cognito-local on this machine with the same load
# generator (cmd/gognito-bench), the same pool sizes and the same scenarios,
# and rewrites the generated section of docs/benchmarks.md.
#
# Everything listens on 127.0.0.1 only; every process started here is
# stopped on exit (trap); every load and every scenario is bounded in count
# and time. cognito-local is installed from npm into a scratch folder.
#
# Settings (environment): BENCH_DURATION (per scenario, default 5s),
# BENCH_CONCURRENCY (8), BENCH_SIZES ("1000 100000"), BENCH_OUT
# (docs/benchmarks.md), BENCH_KEEP=1 keeps the scratch folder,
# MOTO_SERVER (moto_server on PATH).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DURATION=${BENCH_DURATION:-5s}
CONC=${BENCH_CONCURRENCY:-8}
SIZES=${BENCH_SIZES:-"1000 100000"}
OUT=${BENCH_OUT:-docs/benchmarks.md}
MOTO=${MOTO_SERVER:-$(command -v moto_server || true)}
COMMAND="make bench-compare"
[ -n "${BENCH_DURATION:-}${BENCH_CONCURRENCY:-}${BENCH_SIZES:-}" ] && COMMAND="BENCH_DURATION=$DURATION BENCH_CONCURRENCY=$CONC BENCH_SIZES=\"$SIZES\" make bench-compare"
# Loading bounds per peer, in seconds per pool size: a peer that is too slow
# keeps the users it got.
LOAD_TIMEOUT_GOGNITO=${BENCH_LOAD_TIMEOUT_GOGNITO:-240}
LOAD_TIMEOUT_MOTO=${BENCH_LOAD_TIMEOUT_MOTO:-240}
LOAD_TIMEOUT_COGNITO_LOCAL=${BENCH_LOAD_TIMEOUT_COGNITO_LOCAL:-45}

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/gognito-bench.XXXXXX")
RESULTS=$SCRATCH/results
mkdir -p "$RESULTS"
PIDS=()

# stop PID: SIGTERM to its process group, then SIGKILL after 10 s.
stop() {
	kill -TERM -- "-$1" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	local left=() pid
	for pid in "${PIDS[@]}"; do
		[ "$pid" = "$1" ] || left+=("$pid")
	done
	PIDS=("${left[@]}")
}

cleanup() {
	while [ "${#PIDS[@]}" -gt 0 ]; do
		stop "${PIDS[0]}"
	done
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		echo "scratch kept in $SCRATCH"
	else
		rm -rf "$SCRATCH"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
meta() { printf '%s: %s\n' "$1" "$2" >>"$RESULTS/meta.txt"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start NAME CMD... runs a server in the background (its own process group,
# so that its children stop with it), logging to the scratch folder.
start() {
	local name=$1
	shift
	setsid "$@" >"$SCRATCH/$name.log" 2>&1 &
	PIDS+=("$!")
	LAST_PID=$!
}

# wait_ready URL [CURL_FLAG]: polls until the URL answers (any HTTP status;
# with -f, a success), 60 s at most.
wait_ready() {
	for _ in $(seq 600); do
		if curl -s ${2:-} -o /dev/null --max-time 1 "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "not ready: $1" >&2
	return 1
}

# Peers: name, endpoint, load bound, pid and extra flags, filled in as each
# server starts.
PEERS=()
declare -A ENDPOINT LOADT SPID EXTRA

# bench PEER SIZE [run flags...]: one gognito-bench run against a peer.
bench() {
	local peer=$1 size=$2
	shift 2
	# Bounded: the load, then at most 4 minutes for the scenarios asked for.
	# shellcheck disable=SC2086
	timeout $((LOADT[$peer] + 240)) "$SCRATCH/gognito-bench" run --peer "$peer" --endpoint "${ENDPOINT[$peer]}" --pool-size "$size" \
		--load-timeout "${LOADT[$peer]}s" --concurrency "$CONC" --duration "$DURATION" \
		--state "$SCRATCH/$peer.state.json" --server-pid "${SPID[$peer]}" ${EXTRA[$peer]} "$@" >>"$SCRATCH/$peer.bench.log" 2>&1 ||
		echo "$peer: gognito-bench run failed at $size users ($*), see $peer.bench.log" >&2
}

log "building gognito and gognito-bench"
go build -o "$SCRATCH/gognito" ./cmd/gognito
go build -o "$SCRATCH/gognito-bench" ./cmd/gognito-bench

log "installing cognito-local from npm into the scratch folder"
timeout 300 npm install --prefix "$SCRATCH/cognito-local" --no-audit --no-fund --loglevel=error cognito-local >/dev/null
CL_VERSION=$(node -p "require('$SCRATCH/cognito-local/node_modules/cognito-local/package.json').version")
MOTO_VERSION=$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo unknown)

meta "date" "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta "machine" "$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB RAM, $(uname -sr); shared with other work, so absolute figures are noisy and the ratios within this one run are what count"
meta "command" "$COMMAND"
meta "load generator" "\`gognito-bench run\` (aws-sdk-go-v2 for the API; net/http and crypto/tls for hosted login and TLS), $CONC concurrent callers, each scenario $DURATION at most, on the same machine"
meta "peers" "gognito $(git describe --always --dirty 2>/dev/null || echo '?') ($(go env GOVERSION), SQLite, durable commits), moto_server $MOTO_VERSION, cognito-local $CL_VERSION (Node $(node --version))"

# gognito: its own data directory, API and HTTPS edge on free loopback ports;
# GOGNITO_PPROF: the run profiles gognito's CPU during each scenario.
GPORT=$(free_port)
GTLS=$(free_port)
GPPROF=$(free_port)
GFLAGS=(serve --listen "127.0.0.1:$GPORT" --tls-listen "127.0.0.1:$GTLS" --data-dir "$SCRATCH/gognito-data" --log-level warn)
GOGNITO_PPROF=127.0.0.1:$GPPROF start gognito "$SCRATCH/gognito" "${GFLAGS[@]}"
GPID=$LAST_PID
wait_ready "http://127.0.0.1:$GPORT/_gognito/ready" -f
mkdir -p "$SCRATCH/profiles"
PEERS+=(gognito)
ENDPOINT[gognito]="http://127.0.0.1:$GPORT" LOADT[gognito]=$LOAD_TIMEOUT_GOGNITO SPID[gognito]=$GPID
EXTRA[gognito]="--tls-edge 127.0.0.1:$GTLS --pprof-url http://127.0.0.1:$GPPROF --profile-dir $SCRATCH/profiles"

if [ -n "$MOTO" ]; then
	MPORT=$(free_port)
	start moto "$MOTO" -H 127.0.0.1 -p "$MPORT"
	wait_ready "http://127.0.0.1:$MPORT/"
	PEERS+=(moto)
	ENDPOINT[moto]="http://127.0.0.1:$MPORT" LOADT[moto]=$LOAD_TIMEOUT_MOTO SPID[moto]=$LAST_PID EXTRA[moto]=""
else
	meta "note-moto" "moto_server was not found: no moto figures."
fi

# cognito-local keeps its data in .cognito under its working directory; its
# default pool settings make usernames emails, which the scenarios do not use.
CPORT=$(free_port)
mkdir -p "$SCRATCH/cl-run/.cognito"
echo '{"UserPoolDefaults": {"UsernameAttributes": []}}' >"$SCRATCH/cl-run/.cognito/config.json"
(cd "$SCRATCH/cl-run" && HOST=127.0.0.1 PORT=$CPORT start cognito-local "$SCRATCH/cognito-local/node_modules/.bin/cognito-local"
	echo "$LAST_PID" >"$SCRATCH/cl.pid")
PIDS+=("$(cat "$SCRATCH/cl.pid")")
wait_ready "http://127.0.0.1:$CPORT/"
PEERS+=(cognito-local)
ENDPOINT[cognito-local]="http://127.0.0.1:$CPORT" LOADT[cognito-local]=$LOAD_TIMEOUT_COGNITO_LOCAL SPID[cognito-local]=$(cat "$SCRATCH/cl.pid") EXTRA[cognito-local]=""

# Every pool size in turn, growing one pool per peer: load each peer, then
# run each scenario against every peer in turn, so that whatever else the
# machine is doing weighs on all of them alike.
SCENARIOS="create-users auth-admin auth-srp get-user list-users list-users-filter describe-domain tls-handshake hosted-login"
for size in $SIZES; do
	for peer in "${PEERS[@]}"; do
		log "$peer: loading to $size users"
		bench "$peer" "$size" --scenarios none
		grep '^loaded' "$SCRATCH/$peer.bench.log" | tail -1 | tee /dev/stderr | sed "s/^/$peer, $size requested: /" >>"$SCRATCH/loads.txt"
	done
	log "cryptographic bound of a sign-in"
	"$SCRATCH/gognito-bench" bound --concurrency "$CONC" --duration "$DURATION" --pool-target "$size" --json "$RESULTS/bound-$size.json" | grep -v '^ ' || true
	for sc in $SCENARIOS; do
		for peer in "${PEERS[@]}"; do
			out="$RESULTS/run-$peer-$size-$sc.json"
			bench "$peer" "$size" --no-load --scenarios "$sc" --json "$out"
			if [ ! -s "$out" ]; then # reported as such, and the run goes on
				echo "$peer: no result for $sc at $size users" >&2
				printf '[{"peer": "%s", "scenario": "%s", "pool_target": %s, "supported": false, "note": "gognito-bench run failed: see %s.bench.log"}]\n' \
					"$peer" "$sc" "$size" "$peer" >"$out"
			fi
			grep -E "^$sc " "$SCRATCH/$peer.bench.log" | tail -1 | sed "s/^/$(date -u +%H:%M:%S)  $peer $size: /"
		done
	done
done

rss=$(awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$GPID/status")
hwm=$(awk '/^VmHWM/{printf "%.1f", $2/1024}' "/proc/$GPID/status")
meta "gognito peak RSS (MB)" "$hwm"
meta "gognito memory" "RSS $rss MB at the end, peak (VmHWM) $hwm MB over the whole run (loading and every scenario); the target is checked against the peak"
stop "$GPID"
log "gognito: start-up time with the loaded pool"
"$SCRATCH/gognito-bench" startup --ready-url "http://127.0.0.1:$GPORT/_gognito/ready" --json "$RESULTS/startup.json" -- "$SCRATCH/gognito" "${GFLAGS[@]}"

meta "loading" "over the wire with AdminCreateUser (an email each; the first 32 users also get a permanent password), 8 concurrent callers, bounded per peer (gognito $LOAD_TIMEOUT_GOGNITO s, moto $LOAD_TIMEOUT_MOTO s, cognito-local $LOAD_TIMEOUT_COGNITO_LOCAL s per pool size); a peer that is too slow keeps what it got and runs the scenarios at that size (the users column): $(paste -sd ';' "$SCRATCH/loads.txt" | sed 's/;/; /g')"
meta "order" "the three servers run side by side; for each pool size each is loaded, then each scenario runs against gognito, moto and cognito-local in turn ($DURATION each), the cryptographic bound just before the scenarios"

"$SCRATCH/gognito-bench" report --results "$RESULTS" --out "$OUT"
log "done"
