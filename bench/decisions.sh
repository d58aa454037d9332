#!/usr/bin/env bash
# The decision point under load (issue 14), in an org declaring APPS applications (1,000 by
# default: 10,000 permissions): wrk POSTs AuthZEN evaluations and RFC 7662 introspections to
# a release Foxgate and to a bare axum handler answering the same shapes, alternating, in
# one run; prints the medians and the ratios, and the in-process time of a batch of 100
# evaluations. Usage: bench/decisions.sh [APPS] [SECONDS].
set -euo pipefail
cd "$(dirname "$0")/.."
APPS=${1:-1000}
SECONDS_EACH=${2:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
source bench/wrk-common.sh
release_build seed_decisions

export FOXGATE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export DATABASE_URL=${DATABASE_URL:-sqlite://$work/bench.db?mode=rwc}
echo "seeding $APPS applications into ${DATABASE_URL%%://*} …"
"$bin/seed_decisions" "$DATABASE_URL" "$APPS" >"$work/seeded" 2>"$work/batch.txt"
token=$(sed -n 1p "$work/seeded")
subject=$(sed -n 2p "$work/seeded")

fox_port=$(free_port)
RUST_LOG=warn "$bin/foxgate" serve --addr "127.0.0.1:$fox_port" --data-dir "$work/data" \
  --public-url "http://127.0.0.1:$fox_port" --site-root "$work/site" >>"$work/foxgate.log" 2>&1 &
pids+=($!)

# The seeded org token holds decisions:read and the member's role: it introspects itself,
# and asks whether the member may update a deployment they own.
question="{\"subject\":{\"type\":\"user\",\"id\":\"$subject\"},\"action\":{\"name\":\"update\"},\"resource\":{\"type\":\"app0:deployments\",\"id\":\"d1\",\"properties\":{\"ownerID\":\"$subject\"}}}"
cat >"$work/introspect.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat >"$work/evaluate.lua" <<LUA
wrk.method = "POST"
wrk.body = [[$question]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
wait_for() { # port
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null -X POST -H "Authorization: Bearer $token" --data "token=$token" \
      "http://127.0.0.1:$1/oauth2/introspect" && return
    sleep 0.1
  done
}
wait_for "$fox_port"
active=$(curl -fs -X POST -H "Authorization: Bearer $token" --data "token=$token" \
  "http://127.0.0.1:$fox_port/oauth2/introspect")
# The bare handler answers introspections with these very bytes: the same shape and size
# (the token's scope lists every permission it holds, 2 kB here), so the ratio compares
# the work, not the length of the answer.
printf '%s' "$active" >"$work/introspection.json"
bare_port=$(free_port)
BARE_INTROSPECTION="$work/introspection.json" "$bin/bare_axum" "127.0.0.1:$bare_port" &
pids+=($!)
wait_for "$bare_port"
case "$active" in *'"active":true'*) ;; *) echo "introspection is not active: $active" >&2; exit 1 ;; esac
decided=$(curl -fs -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  --data "$question" "http://127.0.0.1:$fox_port/access/v1/evaluation")
case "$decided" in *'"decision":true'*) ;; *) echo "the evaluation is not a permit: $decided" >&2; exit 1 ;; esac

run() { # name url script
  local out="$work/run.txt"
  wrk -t1 -c"$CONNECTIONS" -d2s -s "$work/$3.lua" "$2" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "$work/$3.lua" "$2" >"$out"
  if grep -q "Non-2xx" "$out"; then echo "$1: errors during the run" >&2; cat "$out" >&2; exit 1; fi
  echo "$(rps "$out") $(p99_ms "$out")" >>"$work/$1"
  echo "  $1: $(rps "$out") requests/s, p99 $(p99_ms "$out") ms"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  run bare_evaluate "http://127.0.0.1:$bare_port/access/v1/evaluation" evaluate
  run foxgate_evaluate "http://127.0.0.1:$fox_port/access/v1/evaluation" evaluate
  run bare_introspect "http://127.0.0.1:$bare_port/oauth2/introspect" introspect
  run foxgate_introspect "http://127.0.0.1:$fox_port/oauth2/introspect" introspect
done
rps_of() { cut -d' ' -f1 "$work/$1" | median; }
p99_of() { cut -d' ' -f2 "$work/$1" | median; }
printf '\nmedians of %s rounds, %s applications    %12s %10s\n' "$ROUNDS" "$APPS" "requests/s" "p99 ms"
for name in bare_evaluate foxgate_evaluate bare_introspect foxgate_introspect; do
  printf '%-40s %12.0f %10.2f\n' "$name" "$(rps_of $name)" "$(p99_of $name)"
done
echo
for what in evaluate introspect; do
  awk -v f="$(rps_of foxgate_$what)" -v b="$(rps_of bare_$what)" -v w="$what" \
    'BEGIN { printf "ratio foxgate/bare (%s) = %.2f (target >= 0.5)\n", w, f / b }'
done
cat "$work/batch.txt"
