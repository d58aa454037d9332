#!/usr/bin/env bash
# A large org's lists (issue 18): seeds MEMBERS members (50,000 by default), 5,000 teams,
# 200,000 grants and TOKENS tokens (1,000,000 by default) on SQLite and on a throwaway
# PostgreSQL, then prints the p50 and p95 of the members, teams, team members and tokens
# lists: first page, a page deep in the cursor chain and each filter (target p95 < 20 ms).
# Then a release `foxgate serve` on the same database renders the console pages for the
# signed-in owner: p50 of 60 loads and the HTML size of each (targets < 20 ms, < 150 KB),
# and the server's memory (RSS) after them.
# Usage: bench/large-org.sh [MEMBERS] [TOKENS]. BACKENDS="sqlite" skips PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-50000}
TOKENS=${2:-1000000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
PAGES=(/members /teams /teams/team-0007 /tokens /roles /members?q=person0001)
source bench/postgres-common.sh
cargo build --release -q -p foxgate-server -p foxgate-bench --bin foxgate --bin members_bench
bin=$CARGO_TARGET_DIR/release
export FOXGATE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

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
