# Shared by the wrk benchmarks (sourced, not run): everything in common.sh, wrk itself, and
# the helpers that read wrk's output. Each script then builds the binaries it needs with
# `release_build`.
source bench/common.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

# Release builds of foxgate, bare_axum and the named bench binaries.
release_build() {
  local bins=(--bin foxgate --bin bare_axum)
  for b in "$@"; do bins+=(--bin "$b"); done
  cargo build --release -q -p foxgate-server -p foxgate-bench "${bins[@]}"
}
# wrk prints e.g. "Requests/sec:  12345.67" and, with --latency, "     99%    3.21ms".
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99_ms() {
  awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }' "$1"
}
