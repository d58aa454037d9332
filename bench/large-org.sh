#!/usr/bin/env bash
# A large org's members list (issue 18): seeds MEMBERS members (50,000 by default), 500 teams
# and 200,000 grants on SQLite and on a throwaway PostgreSQL, then prints the p50 and p95 of
# the members list's first page, a page deep in the cursor chain and each filter (target
# p95 < 20 ms). Usage: bench/large-org.sh [MEMBERS]. BACKENDS="sqlite" skips PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-50000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
source bench/postgres-common.sh
cargo build --release -q -p foxgate-bench --bin members_bench
bin=$CARGO_TARGET_DIR/release/members_bench

for backend in $BACKENDS; do
  echo "== $backend"
  database_url "$backend"
  "$bin" "$url" "$MEMBERS"
  echo
done
