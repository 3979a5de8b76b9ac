#!/usr/bin/env bash
# Instructions executed by `errdex check` and `errdex build`, counted by callgrind.
#
#   bash benches/instructions.sh                     # the release binary of this checkout
#   bash benches/instructions.sh OLD_BIN NEW_BIN     # two binaries side by side
#   INSTR_N=2000 bash benches/instructions.sh        # a bigger catalog (default 1,000)
#
# Wall time on a shared 2-core machine moves by 20% from run to run; the number of
# instructions a run executes does not (it repeats to within 0.1%). So a change to a
# hot path is compared here first, and timed with benches/run.sh or vs_hugo.sh after.
# errdex runs on one rayon thread under callgrind: the count is the same work, and one
# thread keeps valgrind's serialisation of threads out of it.
#
# The catalog is benches/gen_catalog.py's, cached in target/bench-catalogs/ as
# benches/run.sh caches it. Needs valgrind (Debian: apt-get install valgrind).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${INSTR_N:-1000}
STYLE=unique-prefix
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
CAT=$TARGET/bench-catalogs/$N-$STYLE-$(sha256sum benches/gen_catalog.py | cut -c1-12)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { echo "[instructions] $*" >&2; }

command -v valgrind >/dev/null || { log "valgrind is not installed (Debian: apt-get install valgrind)"; exit 2; }
if [ "$#" -eq 0 ]; then
    log "cargo build --release"
    cargo build --release -q
    set -- "$TARGET/release/errdex"
fi
if [ ! -f "$CAT/.complete" ]; then
    log "generating N=$N in $CAT"
    rm -rf "$TARGET/bench-catalogs/$N-$STYLE-"*
    python3 benches/gen_catalog.py "$N" "$CAT" --messages "$STYLE"
    touch "$CAT/.complete"
fi

# count ARGS...: instructions of one errdex run, from callgrind's summary line.
count() {
    RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" \
        "$@" >/dev/null 2>"$WORK/err" || true
    grep -o 'Collected : [0-9]*' "$WORK/err" | awk '{print $3}'
}
millions() { awk -v n="$1" 'BEGIN {printf "%.0f M", n / 1e6}'; }

echo "| binary | \`check\`, $N errors | \`build\`, $N errors |"
echo "|---|---:|---:|"
for bin in "$@"; do
    log "$bin"
    c=$(count "$bin" check --catalog "$CAT")
    rm -rf "$WORK/site"
    b=$(count "$bin" build --catalog "$CAT" --out "$WORK/site")
    [ -n "$c" ] && [ -n "$b" ] || { log "callgrind gave no count for $bin; see $WORK/err"; exit 1; }
    echo "| \`$bin\` | $(millions "$c") | $(millions "$b") |"
done
