#!/usr/bin/env bash
# A large org's lists (issue 18): seeds MEMBERS members (50,000 by default), 5,000 teams,
# 200,000 grants and TOKENS tokens (1,000,000 by default) on SQLite and on a throwaway
# PostgreSQL, then prints the p50 and p95 of the members, teams, team members and tokens
# lists: first page, a page deep in the cursor chain and each filter (target p95 < 20 ms).
# Usage: bench/large-org.sh [MEMBERS] [TOKENS]. BACKENDS="sqlite" skips PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-50000}
TOKENS=${2:-1000000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
source bench/postgres-common.sh
cargo build --release -q -p foxgate-bench --bin members_bench
bin=$CARGO_TARGET_DIR/release/members_bench

for backend in $BACKENDS; do
  echo "== $backend"
  database_url "$backend"
  "$bin" "$url" "$MEMBERS" "$TOKENS"
  echo
done
