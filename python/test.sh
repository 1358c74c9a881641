#!/usr/bin/env bash
# Tests the Python package: creates python/.venv (reused), installs pytest, builds and installs
# the wheel into it (python/build.sh: cargo build --release --lib, pip wheel, pip install), then
# type-checks the package (mypy --strict) and runs pytest on python/tests against the installed
# wheel.
#
# Real-gateway tests run when OPENCLAW_REAL_GATEWAY_URL/_TOKEN are set (scripts/real-gateway.sh
# start prints them) and are deselected otherwise. pytest's exit code 5 (no test ran) fails.
# Extra arguments go to pytest.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=$HERE/.venv
say() { printf '[python/test.sh] %s\n' "$*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'pytest>=7' 'mypy>=1'
PYTHON=$VENV/bin/python bash "$HERE/build.sh"

unset OPENCLAW_CLIENT_LIB  # test the library the wheel carries
cd "$HERE"
say "mypy --strict (the package ships py.typed, so its hints must hold)"
"$VENV/bin/python" -m mypy --strict --no-error-summary src/openclaw_client
set +e
"$VENV/bin/python" -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    say "pytest ran no test (exit 5): failing"
    exit 1
fi
exit "$rc"
