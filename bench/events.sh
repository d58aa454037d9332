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
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/foxgate/target}
cargo build --release -q -p foxgate-bench --bin events_bench
bin=$CARGO_TARGET_DIR/release/events_bench
work=$(mktemp -d)
chmod 755 "$work"
stop_pg=""
cleanup() { [ -n "$stop_pg" ] && eval "$stop_pg"; rm -rf "$work"; }
trap cleanup EXIT

# A throwaway cluster with PostgreSQL's default durability (fsync and synchronous commit
# on), sized for a table of millions of rows. As root it runs as the postgres user.
start_postgres() {
  local pgbin port as=()
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [ "$(id -u)" = 0 ] && { as=(runuser -u postgres --); chown postgres "$work"; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${as[@]}" "$pgbin/initdb" -A trust -U postgres -E UTF8 -D "$work/pg" >/dev/null
  "${as[@]}" "$pgbin/pg_ctl" -w -D "$work/pg" -l "$work/pg.log" \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c maintenance_work_mem=1GB -c max_wal_size=8GB" \
    start >/dev/null
  stop_pg="${as[*]} $pgbin/pg_ctl -D $work/pg stop -m fast >/dev/null"
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

for backend in $BACKENDS; do
  echo "== $backend"
  case $backend in
    sqlite) url="sqlite://$work/events.db?mode=rwc" ;;
    postgres) url=${DATABASE_URL:-$(start_postgres)} ;;
  esac
  "$bin" "$url" "$EVENTS"
  echo
done
