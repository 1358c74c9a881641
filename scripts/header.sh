#!/usr/bin/env bash
# Regenerates the committed C header from the sources, as rustls-ffi and hyper do it:
#
#   scripts/header.sh           build (build.rs runs cbindgen into OUT_DIR) and copy the result
#                               to include/openclaw_client.h
#   scripts/header.sh --check   exit 1 (with a diff) when include/openclaw_client.h differs from
#                               what the sources generate; changes nothing
#
# build.rs never writes into the source tree; this script is the only writer of the generated
# include/openclaw_client.h (include/openclaw_client.hpp is written by hand).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
committed=include/openclaw_client.h

# The build script's OUT_DIR, from cargo's own report of the build.
out_dir=$(cargo build --lib --quiet --message-format=json 2>/dev/null | python3 -c '
import json, sys
out = ""
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "build-script-executed" and "openclaw-client" in m.get("package_id", "").replace("openclaw_client", "openclaw-client"):
        out = m.get("out_dir", "")
print(out)
')
generated=$out_dir/openclaw_client.h
if [ -z "$out_dir" ] || [ ! -f "$generated" ]; then
    echo "header.sh: the build did not generate a header (run 'cargo build' to see why)" >&2
    exit 2
fi

if [ "${1:-}" = "--check" ]; then
    if ! diff -u "$committed" "$generated" >/tmp/openclaw-header-drift.$$ 2>&1; then
        echo "header.sh: $committed is out of date with the sources (src/ffi, cbindgen.toml, build.rs)." >&2
        head -40 /tmp/openclaw-header-drift.$$ >&2
        rm -f /tmp/openclaw-header-drift.$$
        echo "Run scripts/header.sh and commit the header." >&2
        exit 1
    fi
    rm -f /tmp/openclaw-header-drift.$$
    echo "header.sh: $committed is up to date"
else
    cp "$generated" "$committed"
    echo "header.sh: wrote $committed"
fi
