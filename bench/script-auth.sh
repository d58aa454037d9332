#!/usr/bin/env bash
# Scripts' credentials under load (issue 16), in one run on a release Foxgate: wrk against
# `GET /api/v1/auth/me` with a script's access token (JWT from the device flow; target >=
# 0.6x) and with requests signed for a secure-mode token (RFC 9421, Ed25519, each with its
# own nonce, signed before the run by `sign_requests`; target >= 0.3x), each against a bare
# axum handler sent the same headers by the same wrk. Prints every figure and the ratios.
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
release_build sign_requests
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

# A secure-mode token bound to a fresh Ed25519 key (the key stays in $work). Its role is
# Viewer, so its /auth/me answer is about the size of the JWT's and the bare handler's: the
# runs compare the cost of authentication, not of serializing longer answers.
jwk=$("$bin/sign_requests" key "$work")
minted=$(curl -fs -b "$work/jar" -X POST "$base/api/v1/orgs/acme/tokens" -H "origin: $base" \
  -H 'content-type: application/json' \
  -d "$(python3 -c 'import json,sys; print(json.dumps({"name": "bench-signed", "kind": "org_admin", "roles": ["viewer"], "public_key": sys.argv[1]}))' "$jwk")")
key_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["info"]["id"])' <<<"$minted")
# Enough signatures that none is sent twice: SIGNED_RATE requests/s at most.
SIGNED_RATE=${SIGNED_RATE:-40000}
signatures() { # file seconds
  "$bin/sign_requests" sign "$work" "$key_id" "$base/api/v1/auth/me" $((SIGNED_RATE * ($2 + 1))) "$1"
}
signatures "$work/check.txt" 0
head -1 "$work/check.txt" | {
  IFS=$'\t' read -r input signature
  curl -fs -H "signature-input: $input" -H "signature: $signature" "$base/api/v1/auth/me" | grep -q '"auth_kind":"org_token"'
}

bare_port=$(free_port)
"$bin/bare_axum" "127.0.0.1:$bare_port" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$bare_port/api/v1/auth/me" && break; sleep 0.1; done

run() { # name url [wrk options…]: appends requests/s to $work/<name>
  local name=$1 url=$2 out="$work/run.txt"
  shift 2
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency "$@" "$url" >"$out"
  if grep -q "Non-2xx" "$out"; then echo "$name: errors during the run" >&2; cat "$out" >&2; exit 1; fi
  rps "$out" >>"$work/$name"
  echo "  $name: $(rps "$out") requests/s"
}
signed() { # base URL: a warm-up and a measured run, each with fresh signatures
  signatures "$work/warm.txt" 2
  SIGNATURES="$work/warm.txt" wrk -t1 -c"$CONNECTIONS" -d2s -s bench/signed.lua "$1/api/v1/auth/me" >/dev/null
  signatures "$work/sigs.txt" "$SECONDS_EACH"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  bare="http://127.0.0.1:$bare_port"
  wrk -t1 -c"$CONNECTIONS" -d2s -H "$auth" "$bare/api/v1/auth/me" >/dev/null # warm-up
  run bare "$bare/api/v1/auth/me" -H "$auth"
  wrk -t1 -c"$CONNECTIONS" -d2s -H "$auth" "$base/api/v1/auth/me" >/dev/null
  run jwt "$base/api/v1/auth/me" -H "$auth"
  signed "$bare"
  SIGNATURES="$work/sigs.txt" run bare_signed "$bare/api/v1/auth/me" -s bench/signed.lua
  signed "$base"
  SIGNATURES="$work/sigs.txt" run signed "$base/api/v1/auth/me" -s bench/signed.lua
done
printf '\nmedians of %s rounds (requests/s): bare axum %.0f, foxgate with a JWT %.0f; bare axum sent signed headers %.0f, foxgate verifying signed requests %.0f\n' \
  "$ROUNDS" "$(median <"$work/bare")" "$(median <"$work/jwt")" "$(median <"$work/bare_signed")" "$(median <"$work/signed")"
awk -v f="$(median <"$work/jwt")" -v b="$(median <"$work/bare")" \
  'BEGIN { printf "ratio jwt/bare = %.2f (target >= 0.6)\n", f / b }'
awk -v f="$(median <"$work/signed")" -v b="$(median <"$work/bare_signed")" \
  'BEGIN { printf "ratio signed/bare = %.2f (target >= 0.3)\n", f / b }'
