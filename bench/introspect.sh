#!/usr/bin/env bash
# Token introspection under load (issue 14): wrk POSTs RFC 7662 introspections to a release
# Foxgate whose tokens table holds TOKENS rows (100k by default), and to a bare axum handler
# answering the same shape, alternating, in one run. Prints both medians and the ratio.
# Usage: bench/introspect.sh [TOKENS] [SECONDS]. (Applications' permissions, issue 14's
# other parts, do not exist yet: the org declares none.)
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-100000}
SECONDS_EACH=${2:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/foxgate/target}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

cargo build --release -q -p foxgate-server -p foxgate-bench --bin foxgate --bin seed_tokens --bin bare_axum
bin=$CARGO_TARGET_DIR/release
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99_ms() {
  awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }' "$1"
}

export FOXGATE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export DATABASE_URL=${DATABASE_URL:-sqlite://$work/bench.db?mode=rwc}
echo "seeding $TOKENS tokens into ${DATABASE_URL%%://*} …"
token=$("$bin/seed_tokens" "$DATABASE_URL" "$TOKENS")

fox_port=$(free_port)
RUST_LOG=warn "$bin/foxgate" serve --addr "127.0.0.1:$fox_port" --data-dir "$work/data" \
  --public-url "http://127.0.0.1:$fox_port" --site-root "$work/site" >>"$work/foxgate.log" 2>&1 &
pids+=($!)
bare_port=$(free_port)
"$bin/bare_axum" "127.0.0.1:$bare_port" &
pids+=($!)

# The seeded org admin token holds decisions:read: it asks about itself.
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer $token"
LUA
for port in "$fox_port" "$bare_port"; do
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null -X POST -H "Authorization: Bearer $token" --data "token=$token" \
      "http://127.0.0.1:$port/oauth2/introspect" && break
    sleep 0.1
  done
done
active=$(curl -fs -X POST -H "Authorization: Bearer $token" --data "token=$token" \
  "http://127.0.0.1:$fox_port/oauth2/introspect")
case "$active" in *'"active":true'*) ;; *) echo "introspection is not active: $active" >&2; exit 1 ;; esac

run() { # name url
  local out="$work/run.txt"
  wrk -t1 -c"$CONNECTIONS" -d2s -s "$work/post.lua" "$2" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "$work/post.lua" "$2" >"$out"
  if grep -q "Non-2xx" "$out"; then echo "$1: errors during the run" >&2; cat "$out" >&2; exit 1; fi
  echo "$(rps "$out") $(p99_ms "$out")" >>"$work/$1"
  echo "  $1: $(rps "$out") requests/s, p99 $(p99_ms "$out") ms"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  run bare "http://127.0.0.1:$bare_port/oauth2/introspect"
  run foxgate "http://127.0.0.1:$fox_port/oauth2/introspect"
done
rps_of() { cut -d' ' -f1 "$work/$1" | median; }
p99_of() { cut -d' ' -f2 "$work/$1" | median; }
printf '\nmedians of %s rounds    %12s %10s\n' "$ROUNDS" "requests/s" "p99 ms"
printf '%-28s %12.0f %10.2f\n' "bare axum handler" "$(rps_of bare)" "$(p99_of bare)"
printf '%-28s %12.0f %10.2f\n' "Foxgate introspection" "$(rps_of foxgate)" "$(p99_of foxgate)"
awk -v f="$(rps_of foxgate)" -v b="$(rps_of bare)" -v n="$TOKENS" \
  'BEGIN { printf "\nratio foxgate/bare = %.2f (target >= 0.5); tokens in table: %d\n", f / b, n }'
