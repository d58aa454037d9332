#!/usr/bin/env bash
# Token authentication under load (issue 4): wrk against token-authenticated
# `GET /api/v1/auth/me` on a release Foxgate whose tokens table holds TOKENS rows (1M by
# default), and against a bare axum handler on the same machine, in one run. Prints both,
# and the ratio. Usage: bench/token-auth.sh [TOKENS] [SECONDS]; DATABASE_URL=postgres://…
# benchmarks on PostgreSQL instead of a fresh SQLite file (the database must be empty).
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-1000000}
SECONDS_EACH=${2:-10}
# Bare and Foxgate runs alternate this many times; the medians are compared, because on a
# small shared machine one run of either can be off by a third.
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
source bench/wrk-common.sh
release_build seed_tokens
wait_up() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" -H "$2" && return; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }

export FOXGATE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export DATABASE_URL=${DATABASE_URL:-sqlite://$work/bench.db?mode=rwc}
echo "seeding $TOKENS tokens into ${DATABASE_URL%%://*} …"
start=$(date +%s)
token=$("$bin/seed_tokens" "$DATABASE_URL" "$TOKENS")
echo "seeded in $(( $(date +%s) - start )) s"

start_foxgate() { # port cache-ms
  FOXGATE_TOKEN_CACHE_MS=$2 RUST_LOG=warn "$bin/foxgate" serve --addr "127.0.0.1:$1" \
    --data-dir "$work/data" --public-url "http://127.0.0.1:$1" --site-root "$work/site" \
    >>"$work/foxgate.log" 2>&1 &
  pids+=($!)
}
fox_port=$(free_port)
start_foxgate "$fox_port" 1000
strict_port=$(free_port)
start_foxgate "$strict_port" 0
bare_port=$(free_port)
"$bin/bare_axum" "127.0.0.1:$bare_port" &
pids+=($!)
auth="Authorization: Bearer $token"
wait_up "http://127.0.0.1:$fox_port/api/v1/auth/me" "$auth"
wait_up "http://127.0.0.1:$strict_port/api/v1/auth/me" "$auth"
wait_up "http://127.0.0.1:$bare_port/api/v1/auth/me" "$auth"

run() { # name url: appends "rps p99" to $work/<name>
  local out="$work/run.txt"
  wrk -t1 -c"$CONNECTIONS" -d2s -H "$auth" "$2" >/dev/null # warm-up
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -H "$auth" "$2" >"$out"
  if grep -q "Non-2xx" "$out"; then echo "$1: errors during the run" >&2; cat "$out" >&2; exit 1; fi
  echo "$(rps "$out") $(p99_ms "$out")" >>"$work/$1"
  echo "  $1: $(rps "$out") requests/s, p99 $(p99_ms "$out") ms"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  run bare "http://127.0.0.1:$bare_port/api/v1/auth/me"
  run foxgate "http://127.0.0.1:$fox_port/api/v1/auth/me"
done
run strict "http://127.0.0.1:$strict_port/api/v1/auth/me"
rps_of() { cut -d' ' -f1 "$work/$1" | median; }
p99_of() { cut -d' ' -f2 "$work/$1" | median; }

printf '\nmedians of %s rounds    %12s %10s\n' "$ROUNDS" "requests/s" "p99 ms"
printf '%-28s %12.0f %10.2f\n' "bare axum handler" "$(rps_of bare)" "$(p99_of bare)"
printf '%-28s %12.0f %10.2f\n' "foxgate /auth/me (bearer)" "$(rps_of foxgate)" "$(p99_of foxgate)"
printf '%-28s %12.0f %10.2f\n' "  same, token cache off" "$(rps_of strict)" "$(p99_of strict)"
awk -v f="$(rps_of foxgate)" -v b="$(rps_of bare)" -v p="$(p99_of foxgate)" -v n="$TOKENS" \
  'BEGIN { printf "\nratio foxgate/bare = %.2f (target >= 0.6); foxgate p99 = %.2f ms (target < 5); tokens in table: %d\n", f / b, p, n }'
