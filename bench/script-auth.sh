#!/usr/bin/env bash
# A script's access token (JWT from the device flow, issue 16) under load: wrk against
# JWT-authenticated `GET /api/v1/auth/me` on a release Foxgate, and against a bare axum
# handler on the same machine, in one run. Prints both and the ratio (target >= 0.6).
# Usage: bench/script-auth.sh [SECONDS]; DATABASE_URL=postgres://… benchmarks on PostgreSQL
# instead of a fresh SQLite file (the database must be empty).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
# Bare and Foxgate runs alternate; the medians are compared (one run on a small shared
# machine can be off by a third).
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
source bench/wrk-common.sh
release_build
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

export FOXGATE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export DATABASE_URL=${DATABASE_URL:-sqlite://$work/bench.db?mode=rwc}
port=$(free_port)
base="http://127.0.0.1:$port"
common=(--data-dir "$work/data" --public-url "$base" --site-root "$work/site")
"$bin/foxgate" "${common[@]}" migrate >/dev/null
echo "bench-owner-password-1" | "$bin/foxgate" "${common[@]}" bootstrap --org-slug acme \
  --org-name Acme --email owner@acme.test --password-stdin >/dev/null
RUST_LOG=warn "$bin/foxgate" "${common[@]}" serve --addr "127.0.0.1:$port" >>"$work/foxgate.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs -o /dev/null "$base/healthz" && break; sleep 0.1; done

# The device flow by hand: the script asks, the owner signs in and approves, the script polls.
started=$(curl -fs -X POST "$base/oauth2/device_authorization" -d client_id=bench -d scope="teams:read members:read")
code=$(field user_code <<<"$started")
device_code=$(field device_code <<<"$started")
curl -fs -o /dev/null -c "$work/jar" -X POST "$base/login" -H "origin: $base" \
  --data-urlencode email=owner@acme.test --data-urlencode password=bench-owner-password-1
curl -fs -o /dev/null -b "$work/jar" -X POST "$base/fn/approve_device" -H "origin: $base" \
  --data-urlencode user_code="$code" --data-urlencode 'permissions[]=teams:read' \
  --data-urlencode 'permissions[]=members:read'
jwt=$(curl -fs -X POST "$base/oauth2/token" -d client_id=bench -d device_code="$device_code" \
  -d grant_type=urn:ietf:params:oauth:grant-type:device_code | field access_token)
auth="Authorization: Bearer $jwt"
curl -fs -H "$auth" "$base/api/v1/auth/me" | grep -q '"auth_kind":"jwt"'

bare_port=$(free_port)
"$bin/bare_axum" "127.0.0.1:$bare_port" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$bare_port/api/v1/auth/me" && break; sleep 0.1; done

run() { # name url: appends requests/s to $work/<name>
  local out="$work/run.txt"
  wrk -t1 -c"$CONNECTIONS" -d2s -H "$auth" "$2" >/dev/null # warm-up
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -H "$auth" "$2" >"$out"
  if grep -q "Non-2xx" "$out"; then echo "$1: errors during the run" >&2; cat "$out" >&2; exit 1; fi
  rps "$out" >>"$work/$1"
  echo "  $1: $(rps "$out") requests/s"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  run bare "http://127.0.0.1:$bare_port/api/v1/auth/me"
  run jwt "$base/api/v1/auth/me"
done
printf '\nmedians of %s rounds: bare axum %.0f requests/s, foxgate with a JWT %.0f requests/s\n' \
  "$ROUNDS" "$(median <"$work/bare")" "$(median <"$work/jwt")"
awk -v f="$(median <"$work/jwt")" -v b="$(median <"$work/bare")" \
  'BEGIN { printf "ratio jwt/bare = %.2f (target >= 0.6)\n", f / b }'
