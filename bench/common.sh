# Shared by the benchmarks (sourced, not run): the target dir, a scratch directory, the
# servers a script starts (`pids`) and a throwaway PostgreSQL cluster started on demand — all
# stopped, and the directory removed, on exit — and small helpers.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/foxgate/target}
bin=$CARGO_TARGET_DIR/release
work=$(mktemp -d)
chmod 755 "$work"
pids=()
stop_pg=""
cleanup() {
  # Under `set -e` a failing last command of an `&&` list would end the trap early.
  if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; fi
  if [ -n "$stop_pg" ]; then eval "$stop_pg"; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The median of the numbers on standard input, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Sets `url` to a database of BACKEND (`sqlite`: a file in $work; `postgres`: $DATABASE_URL,
# or a throwaway cluster started with the server settings given, e.g. `-c shared_buffers=1GB`).
# Not in a subshell: the cluster's stop command must reach `cleanup`.
database_url() { # backend [server settings…]
  local backend=$1
  shift
  case $backend in
    sqlite) url="sqlite://$work/$backend.db?mode=rwc" ;;
    postgres)
      if [ -n "${DATABASE_URL:-}" ]; then
        url=$DATABASE_URL
        return
      fi
      local pgbin port as=()
      pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
      [ "$(id -u)" = 0 ] && { as=(runuser -u postgres --); chown postgres "$work"; }
      port=$(free_port)
      "${as[@]}" "$pgbin/initdb" -A trust -U postgres -E UTF8 -D "$work/pg" >/dev/null
      "${as[@]}" "$pgbin/pg_ctl" -w -D "$work/pg" -l "$work/pg.log" \
        -o "-p $port -k $work -c listen_addresses=127.0.0.1 $*" start >/dev/null
      stop_pg="${as[*]} $pgbin/pg_ctl -D $work/pg stop -m fast >/dev/null"
      url="postgres://postgres@127.0.0.1:$port/postgres"
      ;;
  esac
}
