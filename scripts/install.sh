#!/usr/bin/env bash
# Builds the release library and installs it with its headers and pkg-config files.
#   scripts/install.sh [PREFIX]        (default /usr/local; DESTDIR is honoured;
#                                       PROFILE=debug installs the debug build, for tests)
#
# Installs into PREFIX/lib:
#   libopenclaw_client.so.X.Y.Z, with the links libopenclaw_client.so.X (the SONAME) and
#   libopenclaw_client.so (for -lopenclaw_client at link time); libopenclaw_client.a
# and two pkg-config files:
#   openclaw-client          dynamic:  cc app.c $(pkg-config --cflags --libs openclaw-client)
#   openclaw-client-static   static:   cc app.c $(pkg-config --cflags --libs openclaw-client-static)
# (`pkg-config --static openclaw-client` would still pick the .so: the linker prefers it; the
# -static file names the archive by path.) For a PREFIX outside the loader's path (e.g.
# /opt/openclaw), a dynamically linked program needs -Wl,-rpath,PREFIX/lib or LD_LIBRARY_PATH.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=${1:-/usr/local}
DEST=${DESTDIR:-}
cd "$ROOT"
PROFILE=${PROFILE:-release}
echo "[install] building the $PROFILE library (a cold release build takes a few minutes)..."
if [ "$PROFILE" = release ]; then cargo build --release --lib --quiet; else cargo build --lib --quiet; fi
LIBDIR=${CARGO_TARGET_DIR:-target}/$PROFILE
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
MAJOR=${VERSION%%.*}
# What `cargo rustc --crate-type staticlib -- --print native-static-libs` prints on Linux.
NATIVE_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
L=$DEST$PREFIX/lib
install -d "$L/pkgconfig" "$DEST$PREFIX/include"
install -m 644 "$LIBDIR/libopenclaw_client.a" "$L/"
install -m 755 "$LIBDIR/libopenclaw_client.so" "$L/libopenclaw_client.so.$VERSION"
ln -sf "libopenclaw_client.so.$VERSION" "$L/libopenclaw_client.so.$MAJOR"
ln -sf "libopenclaw_client.so.$MAJOR" "$L/libopenclaw_client.so"
install -m 644 include/openclaw_client.h "$DEST$PREFIX/include/"
if [ -f include/openclaw_client.hpp ]; then install -m 644 include/openclaw_client.hpp "$DEST$PREFIX/include/"; fi
for pc in openclaw-client openclaw-client-static; do
    sed -e "s|@PREFIX@|$PREFIX|" -e "s|@VERSION@|$VERSION|" -e "s|@NATIVE_LIBS@|$NATIVE_LIBS|" \
        "$pc.pc.in" > "$L/pkgconfig/$pc.pc"
done
echo "[install] installed openclaw-client $VERSION into $DEST$PREFIX"
