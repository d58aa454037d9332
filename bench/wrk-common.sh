# Shared by the wrk benchmarks (sourced, not run): the target dir, wrk itself, a scratch
# directory and the servers started (both cleaned up on exit), and the helpers that read
# wrk's output. Each script then builds the binaries it needs with `release_build`.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/foxgate/target}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
bin=$CARGO_TARGET_DIR/release
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Release builds of foxgate, bare_axum and the named bench binaries.
release_build() {
  local bins=(--bin foxgate --bin bare_axum)
  for b in "$@"; do bins+=(--bin "$b"); done
  cargo build --release -q -p foxgate-server -p foxgate-bench "${bins[@]}"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The median of the numbers on standard input, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# wrk prints e.g. "Requests/sec:  12345.67" and, with --latency, "     99%    3.21ms".
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99_ms() {
  awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }' "$1"
}
