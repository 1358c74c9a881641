#!/usr/bin/env bash
# Runs every test: formatting and lints, `cargo test` (SSE rules, stream decoding, the client and
# the C API against the mock gateway, C/C++/Python examples, valgrind), then the real-gateway tier
# against a real OpenClaw gateway started by scripts/real-gateway.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

say() { printf '[test.sh] %s\n' "$*" >&2; }
say "formatting, header drift, layering, the Rust -> C table"
cargo fmt --all -- --check
scripts/header.sh --check
python3 scripts/check_layers.py
python3 scripts/check_c_table.py
say "clippy and cargo doc (a cold build takes several minutes on 2 cores)"
cargo clippy --all-targets --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
say "cargo test: unit, mock-gateway, C/C++ examples, valgrind, memory limits (several minutes)"
cargo test

export OPENCLAW_RUN_DIR=${OPENCLAW_RUN_DIR:-$ROOT/.cache/test-run}
trap '"$ROOT/scripts/real-gateway.sh" stop >/dev/null 2>&1 || true' EXIT
say "starting a real OpenClaw gateway for the real-gateway tier"
eval "$("$ROOT/scripts/real-gateway.sh" start)"
say "real-gateway tier: HTTP, WebSocket, Python"
cargo test --test real_gateway -- --ignored --test-threads=4
cargo test --test real_gateway_ws -- --ignored --test-threads=4
# The Python package (its wheel, mypy --strict, pytest against the mock and this real gateway).
bash "$ROOT/python/test.sh" -q
