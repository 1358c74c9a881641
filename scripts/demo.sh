#!/usr/bin/env bash
# The embedded default: start a throwaway local gateway (echo model), stream a reply from it
# through the C streaming example, stop it.   Usage: scripts/demo.sh STREAM_BINARY [MESSAGE]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$1
MSG=${2:-Hello from openclaw-client!}
export OPENCLAW_RUN_DIR=${OPENCLAW_RUN_DIR:-$ROOT/.cache/demo-run}
export OPENCLAW_RG_SINGLE=1
export OPENCLAW_RG_LOG_PREFIX=[demo]
trap '"$ROOT/scripts/real-gateway.sh" stop >/dev/null 2>&1 || true' EXIT
eval "$("$ROOT/scripts/real-gateway.sh" start)"
echo "[demo] throwaway gateway $OPENCLAW_REAL_GATEWAY_VERSION at $OPENCLAW_REAL_GATEWAY_URL (stopped when the demo ends)" >&2
echo "[demo] streaming; the first agent turn takes ≈10 s while the gateway prepares the agent:" >&2
"$BIN" -u "$OPENCLAW_REAL_GATEWAY_URL" -t "$OPENCLAW_REAL_GATEWAY_TOKEN" "$MSG"
