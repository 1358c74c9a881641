#!/usr/bin/env bash
# Builds the release library and installs it with its header and pkg-config file.
#   scripts/install.sh [PREFIX]        (default /usr/local; DESTDIR is honoured;
#                                       PROFILE=debug installs the debug build, for tests)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=${1:-/usr/local}
DEST=${DESTDIR:-}
cd "$ROOT"
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then cargo build --release --lib --quiet; else cargo build --lib --quiet; fi
LIBDIR=${CARGO_TARGET_DIR:-target}/$PROFILE
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
install -d "$DEST$PREFIX/lib/pkgconfig" "$DEST$PREFIX/include"
install -m 644 "$LIBDIR/libopenclaw_client.a" "$DEST$PREFIX/lib/"
install -m 755 "$LIBDIR/libopenclaw_client.so" "$DEST$PREFIX/lib/"
install -m 644 include/openclaw_client.h "$DEST$PREFIX/include/"
sed -e "s|@PREFIX@|$PREFIX|" -e "s|@VERSION@|$VERSION|" openclaw-client.pc.in > "$DEST$PREFIX/lib/pkgconfig/openclaw-client.pc"
echo "installed openclaw-client $VERSION into $DEST$PREFIX"
