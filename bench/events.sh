#!/usr/bin/env bash
# The activity log at scale (issue 6), one run on SQLite and one on PostgreSQL: seeds an
# org's log with EVENTS chained events (10M by default) over 30 days, then prints the p50
# and p95 of the Events API's first page for each filter combination (target p95 < 20 ms)
# against a lookup by id, and ingest rates (target >= 5k events/s) against plain inserts.
# Usage: bench/events.sh [EVENTS]. DATABASE_URL=postgres://… uses that (empty) database
# instead of a throwaway PostgreSQL cluster; BACKENDS="sqlite" skips PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-10000000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
source bench/common.sh
cargo build --release -q -p foxgate-bench --bin events_bench
bin=$CARGO_TARGET_DIR/release/events_bench

# PostgreSQL with its default durability (fsync and synchronous commit on), sized for a
# table of millions of rows.
for backend in $BACKENDS; do
  echo "== $backend"
  database_url "$backend" -c shared_buffers=1GB -c maintenance_work_mem=1GB -c max_wal_size=8GB
  "$bin" "$url" "$EVENTS"
  echo
done
