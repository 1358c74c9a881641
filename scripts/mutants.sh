#!/usr/bin/env bash
# Mutation testing (cargo-mutants) of the files a change touches, on the fast test targets,
# sized for a shared 2-core machine: one job, a per-mutant timeout and a total time budget.
#
#   scripts/mutants.sh [options] [FILE...]
#
#   FILE...          source files to mutate (default: the src/ files changed since the merge
#                    base with main, committed or not)
#   --lines          mutate only the changed lines (cargo-mutants --in-diff) instead of the
#                    whole of each changed file
#   --budget SECS    total time budget (default 1800); on expiry the run stops and the summary
#                    covers the mutants tested so far
#   --timeout SECS   per-mutant test timeout (default 60)
#   --jobs N         mutants built and tested at once (default 1; 2 suits an otherwise idle
#                    2-core machine, since much of each test run waits on loopback sockets)
#   --shard K/N      test only shard K of N (round-robin; K counts from 0: 0/2 and 1/2 are the
#                    two halves), e.g. to split a big run
#   --iterate        re-test only what the previous run in --out did not catch
#   --only LIST      test only the mutants named in LIST, one per line as cargo-mutants prints
#                    them (e.g. a previous run's missed.txt + timeout.txt, after adding tests);
#                    the line:col are ignored, so edits that move code keep the names valid
#   --tests "T..."   test targets (default: lib sse stream pinned timing client beyond_chat
#                    hardening hostile c_api tls); `lib` is the unit tests, others are tests/T.rs
#   --out DIR        where mutants.out goes (default target/mutants-out)
#   --list           list the mutants only
#
# Not run: doc tests, the real-gateway tiers, the C/C++/valgrind/header binaries (c_examples,
# c_misuse, stream_limits, header), and the slow or timing-heavy concurrency, threads, secrets
# and ws binaries. The summary prints caught/missed/timeout/unviable counts and every mutant
# that was missed or timed out. Install the tool with `cargo install cargo-mutants --locked`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

budget=1800 timeout=60 jobs=1 shard="" lines=0 iterate=0 list=0 only=""
tests="lib sse stream pinned timing client beyond_chat hardening hostile c_api tls"
out="$ROOT/target/mutants-out"
files=()
while [ $# -gt 0 ]; do
    case "$1" in
    --budget) budget=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --shard) shard=$2; shift 2 ;;
    --lines) lines=1; shift ;;
    --iterate) iterate=1; shift ;;
    --only) only=$2; shift 2 ;;
    --tests) tests=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --list) list=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    -*) echo "mutants.sh: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
    esac
done

command -v cargo-mutants >/dev/null || {
    echo "mutants.sh: cargo-mutants is missing: cargo install cargo-mutants --locked" >&2
    exit 2
}

args=(mutants --jobs "$jobs" --timeout "$timeout" --build-timeout 600 --output "$out" --no-shuffle
    --cap-lints true)
base=$(git merge-base HEAD main 2>/dev/null || true)
if [ "$lines" = 1 ]; then
    diff_file=$(mktemp)
    trap 'rm -f "$diff_file"' EXIT
    git diff "$base" -- ${files[@]+"${files[@]}"} 'src/**.rs' 'src/*.rs' >"$diff_file"
    args+=(--in-diff "$diff_file")
else
    if [ ${#files[@]} -eq 0 ]; then
        mapfile -t files < <(git diff --name-only "$base" -- 'src/*.rs' 'src/**.rs' | sort -u)
        [ ${#files[@]} -gt 0 ] || { echo "mutants.sh: no src/ file changed since $base"; exit 0; }
    fi
    for f in "${files[@]}"; do args+=(--file "$f"); done
fi
[ -n "$shard" ] && args+=(--shard "$shard" --sharding round-robin)
[ "$iterate" = 1 ] && args+=(--iterate)
if [ -n "$only" ]; then
    while IFS= read -r name; do
        [ -n "$name" ] || continue
        # The name with any line:col (code added since the run moves them), every regex
        # metacharacter escaped.
        file=${name%%:*} rest=${name#*: }
        esc() { printf '%s' "$1" | sed 's/[][\\.^$*+?(){}|/]/\\&/g'; }
        args+=(--re "^$(esc "$file"):[0-9]+:[0-9]+: $(esc "$rest")\$")
    done <"$only"
fi
# The targets go to every cargo invocation (--cargo-arg): arguments after `--` would reach
# only the test runs, and each mutant's build would still link every test binary.
for t in $tests; do
    if [ "$t" = lib ]; then
        args+=(--cargo-arg=--lib)
    elif [ -f "tests/$t.rs" ]; then
        args+=("--cargo-arg=--test=$t")
    fi
done
if [ "$list" = 1 ]; then
    exec cargo "${args[@]}" --list
fi

# One job; no debug info (linking the test binaries is most of each mutant's build); the
# dependencies are built once into their own target directory (MUTANTS_TARGET_DIR) and
# reused by every run.
export CARGO_BUILD_JOBS=1 CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0
# With several jobs each build directory keeps its own target (one shared target directory
# would serialise the builds on cargo's lock and rebuild the crate for every switch).
if [ "$jobs" = 1 ]; then
    export CARGO_TARGET_DIR="${MUTANTS_TARGET_DIR:-$ROOT/target/mutants-target}"
fi
# A test binary stuck in a loop ends itself (tests/common arm_watchdog) well inside the
# per-mutant timeout, so a mutant that makes a stream loop forever counts as caught.
export OPENCLAW_TEST_WATCHDOG_SECS=$(( timeout / 2 > 10 ? timeout / 2 : 10 ))
mkdir -p "$out"
echo "mutants.sh: ${files[*]:-changed lines since $base}; tests: $tests; budget ${budget}s" >&2
set +e
timeout -s INT -k 120 "$budget" cargo "${args[@]}" >"$out/run.log" 2>&1
rc=$?
set -e
[ "$rc" = 124 ] && echo "mutants.sh: the time budget of ${budget}s ran out; partial results" >&2

m="$out/mutants.out"
count() { if [ -f "$m/$1.txt" ]; then grep -c . "$m/$1.txt" || true; else echo 0; fi; }
echo "caught=$(count caught) missed=$(count missed) timeout=$(count timeout) unviable=$(count unviable)"
for kind in missed timeout; do
    if [ -s "$m/$kind.txt" ]; then
        echo "-- $kind:"
        sed 's/^/  /' "$m/$kind.txt"
    fi
done
grep -E "^(FAILED|ERROR|Unmutated baseline)" "$out/run.log" | head -5 || true
