#!/usr/bin/env bash
# A large org (issue 18): seeds MEMBERS members (50,000 by default), 5,000 teams, 200,000
# grants, 50 custom roles, a member of 200 teams and TOKENS tokens (1,000,000 by default) on
# SQLite and on a throwaway PostgreSQL, then prints the p50 and p95 of the members, teams,
# team members, tokens, roles and a member's grants lists (first page, a page deep in the
# cursor chain, each filter) and of a sign-in's Principal build (target p95 < 20 ms).
# Then a release `foxgate serve` on the same database renders the console pages for the
# signed-in owner: p50 of 60 loads and the HTML size of each (targets < 20 ms, < 150 KB);
# then wrk runs `GET /api/v1/auth/me` for a member of 200 teams (their personal token, and
# their browser session) against a bare axum handler, alternating (target >= 0.6x); then
# the server's memory (RSS) after all that.
# Usage: bench/large-org.sh [MEMBERS] [TOKENS]. BACKENDS="sqlite" skips PostgreSQL;
# ROUNDS (3) and SECONDS_EACH (10) shape the wrk runs.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-50000}
TOKENS=${2:-1000000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${SECONDS_EACH:-10}
PAGES=(/members /teams /teams/team-0007 /tokens /roles /members?q=person0001)
source bench/wrk-common.sh
release_build members_bench
export FOXGATE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export WIDE_TOKEN_FILE=$work/wide-token

load() { # name url header: appends requests/s to $work/<name>
  wrk -t1 -c32 -d2s -H "$3" "$2" >/dev/null # warm-up
  wrk -t1 -c32 -d"${SECONDS_EACH}s" --latency -H "$3" "$2" >"$work/run.txt"
  if grep -q "Non-2xx" "$work/run.txt"; then echo "$1: errors" >&2; cat "$work/run.txt" >&2; exit 1; fi
  rps "$work/run.txt" >>"$work/$1"
}

# /auth/me of the member of 200 teams, by token and by session, against a bare handler
# answering Foxgate's own answer (same size).
auth_me() { # base
  local bearer="Authorization: Bearer $(cat "$WIDE_TOKEN_FILE")" cookie bare_port bare_pid
  curl -fs -o /dev/null -c "$work/wide-jar" -X POST "$1/login" -H "origin: $1" \
    --data-urlencode email=wide@bench.test --data-urlencode password=wide-member-password
  cookie="Cookie: $(awk '$6 == "foxgate_session" {print $6 "=" $7}' "$work/wide-jar")"
  curl -fs -o /dev/null -H "$cookie" "$1/api/v1/auth/me" || { echo "no session" >&2; exit 1; }
  curl -fs -o "$work/me.json" -H "$bearer" "$1/api/v1/auth/me"
  bare_port=$(free_port)
  BARE_ME="$work/me.json" "$bin/bare_axum" "127.0.0.1:$bare_port" &
  bare_pid=$!
  pids+=("$bare_pid")
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$bare_port/api/v1/auth/me" && break; sleep 0.1; done
  rm -f "$work"/me-*
  for _ in $(seq 1 "$ROUNDS"); do
    load me-bare "http://127.0.0.1:$bare_port/api/v1/auth/me" "$bearer"
    load me-token "$1/api/v1/auth/me" "$bearer"
    load me-session "$1/api/v1/auth/me" "$cookie"
  done
  local bare token session
  bare=$(median <"$work/me-bare") token=$(median <"$work/me-token") session=$(median <"$work/me-session")
  printf '%-34s %10s %7s\n' "/api/v1/auth/me, 200 teams" "req/s" "x bare"
  printf '%-34s %10.0f %7s\n' "bare axum handler" "$bare" "1.00"
  printf '%-34s %10.0f %7.2f\n' "personal token (bearer)" "$token" "$(awk -v a="$token" -v b="$bare" 'BEGIN{print a/b}')"
  printf '%-34s %10.0f %7.2f\n' "browser session (cookie)" "$session" "$(awk -v a="$session" -v b="$bare" 'BEGIN{print a/b}')"
  echo "answer: $(($(wc -c <"$work/me.json") / 1024)) KB"
  kill "$bare_pid"
  wait "$bare_pid" 2>/dev/null || true
}

console_pages() { # database-url
  local port base pid
  port=$(free_port)
  base="http://127.0.0.1:$port"
  DATABASE_URL=$1 RUST_LOG=warn "$bin/foxgate" --data-dir "$work/data" --public-url "$base" \
    --site-root "$work/site" serve --addr "127.0.0.1:$port" >>"$work/foxgate.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "$base/healthz" && break; sleep 0.1; done
  curl -fs -o /dev/null -c "$work/jar" -X POST "$base/login" -H "origin: $base" \
    --data-urlencode email=owner@bench.test --data-urlencode password=bench-password-long
  printf '%-24s %9s %9s\n' "console page (SSR)" "p50 ms" "HTML KB"
  for page in "${PAGES[@]}"; do
    for i in $(seq 1 65); do
      curl -fs -o /dev/null -b "$work/jar" -w '%{time_total} %{size_download}\n' "$base$page"
    done | tail -60 >"$work/times"
    printf '%-24s %9.1f %9.1f\n' "$page" \
      "$(awk '{print $1 * 1000}' "$work/times" | median)" \
      "$(awk 'NR == 1 {print $2 / 1024}' "$work/times")"
  done
  auth_me "$base"
  echo "server RSS after the runs: $(($(ps -o rss= -p "$pid") / 1024)) MB"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

for backend in $BACKENDS; do
  echo "== $backend"
  database_url "$backend"
  "$bin/members_bench" "$url" "$MEMBERS" "$TOKENS"
  console_pages "$url"
  echo
done
