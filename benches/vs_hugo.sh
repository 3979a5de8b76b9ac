#!/usr/bin/env bash
# errdex against Hugo (no highlighting) on the same content, without mdBook: at 10,000
# pages mdBook does not finish a build in minutes, and `../shared/bench/compare.sh`
# cannot leave it out. Same content and the same commands as compare.sh.
#
#   bash benches/vs_hugo.sh [N] [RUNS]            # output on disk, beside the content
#   VS_HUGO_OUT=/dev/shm bash benches/vs_hugo.sh 10000 3   # output on tmpfs
#
# Generates the content with ../shared/bench/gen_peers.py (once, in
# ${TMPDIR:-/tmp}/errdex-compare-N, where compare.sh keeps it too), builds errdex in
# release mode, then times both tools alternately, deleting and `sync`ing the previous
# output before each build. Prints each tool's runs, median and peak RSS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000}
RUNS=${2:-3}
W=${TMPDIR:-/tmp}/errdex-compare-$N
OUT=${VS_HUGO_OUT:-$W}
ERRDEX=${CARGO_TARGET_DIR:-$ROOT/target}/release/errdex
PEERS=$ROOT/../shared/bench/gen_peers.py

log() { echo "[vs_hugo] $*" >&2; }

command -v hugo >/dev/null || { log "hugo is not installed (Debian: apt-get install hugo)"; exit 2; }
if [ ! -d "$W/errdex/catalog" ]; then
    [ -f "$PEERS" ] || { log "no $PEERS to generate the content with"; exit 2; }
    log "generating $N pages in $W"
    python3 "$PEERS" "$N" "$W" --errdex >/dev/null
fi
log "cargo build --release"
(cd "$ROOT" && cargo build --release -q)

# ms CMD...: wall milliseconds of CMD. rss CMD...: its peak RSS in KiB.
ms() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1 || log "FAILED: $*"; echo $(( ($(date +%s%N) - s) / 1000000 )); }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

errdex_build() { "$ERRDEX" build --catalog "$W/errdex/catalog" --out "$OUT/out-errdex"; }
hugo_build() { hugo --quiet --config "$W/hugo/hugo.toml,$W/hugo/hugo-nohl.toml" -s "$W/hugo" -d "$OUT/out-hugo"; }
fresh() { rm -rf "$OUT/out-errdex" "$OUT/out-hugo"; sync; }

E=(); H=()
for i in $(seq "$RUNS"); do
    log "run $i/$RUNS (load $(cut -d' ' -f1-3 /proc/loadavg))"
    fresh; E+=("$(ms errdex_build)")
    fresh; H+=("$(ms hugo_build)")
done
fresh; ME=$(rss "$ERRDEX" build --catalog "$W/errdex/catalog" --out "$OUT/out-errdex")
fresh; MH=$(rss hugo --quiet --config "$W/hugo/hugo.toml,$W/hugo/hugo-nohl.toml" -s "$W/hugo" -d "$OUT/out-hugo")
e=$(median "${E[@]}"); h=$(median "${H[@]}")
echo "N=$N, output in $OUT, $RUNS runs each"
echo "errdex     runs ${E[*]} ms, median $e ms, peak $((ME / 1024)) MiB"
echo "hugo_nohl  runs ${H[*]} ms, median $h ms, peak $((MH / 1024)) MiB ($(awk -v a="$h" -v b="$e" 'BEGIN {printf "%.1f", a / (b > 0 ? b : 1)}')x errdex)"
fresh
