#!/usr/bin/env bash
# What the console costs a browser on a slow link (issue 15 §8): a release Foxgate, one org,
# and Debian's chromium throttled like DevTools' "Fast 3G" with a 4× slower CPU. For each
# page, cold (empty cache) and warm (visited before): bytes transferred and time until the
# page is hydrated (`<html data-hydrated>`), as served now and against the baseline of the
# same build sent uncompressed and uncached (how Foxgate served it before), in one run.
# Usage: bench/page-weight.sh   (RUNS=3 for medians of three).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/foxgate/target}
[ -d end2end/node_modules/@playwright/test ] || (cd end2end && npm ci --no-audit --no-fund)

cargo xtask build --release
bin=$CARGO_TARGET_DIR/release/foxgate
site=$CARGO_TARGET_DIR/site-release
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
export FOXGATE_DATA_DIR=$work/data FOXGATE_SITE_ROOT=$site FOXGATE_PUBLIC_URL=$base
password=bench-password-$RANDOM$RANDOM
printf '%s' "$password" | "$bin" bootstrap --org-slug acme --org-name Acme \
  --email owner@acme.test --display-name "Olive Owner" --password-stdin >/dev/null
RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" >"$work/foxgate.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$base/readyz" && break; sleep 0.1; done

echo "wasm: $(stat -c %s "$site"/pkg/*.wasm) bytes, $(stat -c %s "$site"/pkg/*.wasm.br) brotli, $(stat -c %s "$site"/pkg/*.wasm.gz) gzip"
BASE=$base EMAIL=owner@acme.test PASSWORD=$password node bench/page-weight.mjs
