#!/usr/bin/env bash
# Builds the Python package and installs it: one command.
#
#   python/build.sh                 cargo build --release --lib, copy libopenclaw_client.so into
#                                   the package, build a platform wheel into python/dist/ and
#                                   pip-install it into $PYTHON (default: python3)
#   python/build.sh --no-install    only build the wheel
#   python/build.sh --musl          build for x86_64-unknown-linux-musl (Alpine, Home Assistant
#                                   OS): a musllinux_1_2_x86_64 wheel (needs the musl target and
#                                   musl-tools, see NOTES)
#
# Environment: PYTHON (the interpreter to install into), CARGO_TARGET_DIR (honoured).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PYTHON=${PYTHON:-python3}
install=1
triple=""
for arg in "$@"; do
    case "$arg" in
        --no-install) install=0 ;;
        --musl) triple=x86_64-unknown-linux-musl ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
    esac
done

say() { printf '[python/build.sh] %s\n' "$*" >&2; }

target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
cargo_args=(build --release --lib --manifest-path "$ROOT/Cargo.toml")
plat=""
if [ -n "$triple" ]; then
    command -v musl-gcc >/dev/null || { say "musl-gcc not found: apt-get install musl-tools"; exit 1; }
    sysroot=$(rustc --print sysroot)
    unwind=$sysroot/lib/rustlib/$triple/lib/self-contained/libunwind.a
    [ -f "$unwind" ] || { say "the Rust musl target is missing: rustup target add $triple"; exit 1; }
    # A cdylib for musl must link musl's libc dynamically (the Python process brings musl), so
    # crt-static is off and musl-gcc links. Rust then asks for libgcc_s for unwinding; the
    # glibc host has no musl libgcc_s, so the Rust toolchain's own musl libunwind.a stands in
    # for it, linked statically (the .so then needs only musl's libc).
    shim=$target_dir/musl-unwind-shim
    mkdir -p "$shim"
    cp "$unwind" "$shim/libgcc_s.a"
    cargo_args+=(--target "$triple")
    export CC_x86_64_unknown_linux_musl=musl-gcc
    export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc
    export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static -L native=$shim"
    so=$target_dir/$triple/release/libopenclaw_client.so
    plat=musllinux_1_2_x86_64
else
    so=$target_dir/release/libopenclaw_client.so
fi

say "cargo ${cargo_args[*]} (a cold release build takes 2-5 minutes on 2 cores)"
cargo "${cargo_args[@]}"
[ -f "$so" ] || { say "$so missing after the build"; exit 1; }
if [ -n "$triple" ] && readelf -d "$so" | grep -E 'NEEDED.*(libc\.so\.6|ld-linux|libgcc_s)'; then
    say "$so depends on glibc or libgcc_s: not a musl library"; exit 1
fi
cp "$so" "$HERE/src/openclaw_client/libopenclaw_client.so"

say "building the wheel into $HERE/dist"
rm -rf "$HERE/build" "$HERE/dist" "$HERE"/src/*.egg-info
(cd "$HERE" && OPENCLAW_WHEEL_PLAT=$plat "$PYTHON" -m pip wheel --quiet --no-deps -w dist .)
wheel=$(ls "$HERE"/dist/openclaw_client-*.whl)
say "built $wheel"
if [ "$install" = 1 ]; then
    "$PYTHON" -m pip install --quiet --force-reinstall --no-deps "$wheel"
    say "installed into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
fi
