#!/usr/bin/env bash
# End-to-end benchmark of `errdex check` and `errdex build` on synthetic catalogs.
#
#   bash benches/run.sh                          # N = 1,000, 10,000 and 100,000
#   BENCH_SIZES="1000 10000" bash benches/run.sh
#
# Environment:
#   BENCH_SIZES     catalog sizes (default "1000 10000 100000")
#   BENCH_RUNS      timed runs per command; default 5, or 3 for N >= 100,000
#   BENCH_MESSAGES  message style for gen_catalog.py (default unique-prefix; see
#                   `python3 benches/gen_catalog.py --help`)
#   BENCH_SHM       1 (default when /dev/shm has room): also time `build` into a tmpfs
#                   folder, which shows errdex's own cost without the disk; 0: don't
#
# Builds errdex in release mode, generates each catalog once with
# benches/gen_catalog.py (cached in target/bench-catalogs/, keyed by N, style and the
# generator's checksum), verifies it with `errdex check --strict`, then times
# `errdex check` and `errdex build` alternately. Wall clock is measured around the
# command, peak RSS comes from `/usr/bin/time -v`. The output folder is deleted and
# `sync`ed before each build (untimed), so every build writes a fresh site and starts
# with no dirty pages from the previous one. Then `build` is timed again over the site
# it just wrote, unchanged (a writer's rebuild: unchanged files are linked, not
# written). After the timed runs, one `cp -r` of the
# built site gives the disk's floor for writing that many bytes and files. Prints a
# Markdown table with medians, min–max and the load average, to stdout; progress goes
# to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SIZES=${BENCH_SIZES:-1000 10000 100000}
STYLE=${BENCH_MESSAGES:-unique-prefix}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
CATALOGS=$TARGET/bench-catalogs
OUT=$TARGET/bench-out
ERRDEX=$TARGET/release/errdex

log() { echo "[bench] $*" >&2; }

if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (for peak RSS)"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

log "cargo build --release"
cargo build --release -q

mkdir -p "$CATALOGS" "$OUT"
GEN_SUM=$(sha256sum benches/gen_catalog.py | cut -c1-12)

# run_once CMD... : runs CMD under /usr/bin/time -v; prints "wall_ms peak_kib exit".
run_once() {
    local tv start end rc
    tv=$(mktemp)
    start=$(date +%s%N)
    set +e
    /usr/bin/time -v -o "$tv" "$@" >/dev/null 2>&1
    rc=$?
    set -e
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 )) $(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv") $rc"
    rm -f "$tv"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minmax() { printf '%s\n' "$@" | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "–" hi}'; }
secs() { awk -v ms="$1" 'BEGIN {printf "%.2f s", ms / 1000}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# How many cores this run really gets: one CPU-bound job's time × nproc over the time
# of nproc such jobs at once. On an idle 2-core machine it is about 2.0; a busy
# neighbour (even a niced one, in another cgroup) brings it down towards 1.0.
cores_free() {
    local job='awk "BEGIN { for (i = 0; i < 4000000; i++) s += i }"' n t1 tn
    n=$(nproc)
    t1=$(run_once sh -c "$job" | cut -d' ' -f1)
    tn=$(run_once sh -c "for i in \$(seq $n); do $job & done; wait" | cut -d' ' -f1)
    awk -v a="$t1" -v b="$tn" -v n="$n" 'BEGIN {printf "%.1f", (b > 0 ? a * n / b : 0)}'
}

ROWS=()
for N in $SIZES; do
    CAT=$CATALOGS/$N-$STYLE-$GEN_SUM
    if [ ! -f "$CAT/.complete" ]; then
        log "generating N=$N ($STYLE) in $CAT"
        rm -rf "$CATALOGS/$N-$STYLE-"*
        python3 benches/gen_catalog.py "$N" "$CAT" --messages "$STYLE"
        touch "$CAT/.complete"
    fi
    log "N=$N: errdex check --strict (validation)"
    if ! "$ERRDEX" check --strict --catalog "$CAT" >/dev/null 2>&1; then
        "$ERRDEX" check --strict --catalog "$CAT" 2>&1 | tail -20 >&2
        log "the generated catalog is not clean under --strict"
        exit 1
    fi
    RUNS=${BENCH_RUNS:-$([ "$N" -ge 100000 ] && echo 3 || echo 5)}
    SITE=$OUT/site-$N
    rm -rf "$SITE"
    # One untimed warm-up build, so the page cache holds the catalog and the first
    # timed build does not pay for the first write of the output tree's metadata.
    "$ERRDEX" build --catalog "$CAT" --out "$SITE" >/dev/null 2>&1
    # tmpfs needs room for the site (about 45 KB per error) on top of errdex's memory.
    SHM_SITE=""
    if [ "${BENCH_SHM:-1}" = 1 ] && [ -d /dev/shm ] &&
        [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt $(( N * 100 )) ]; then
        SHM_SITE=/dev/shm/errdex-bench-site-$N
    fi
    load_before=$(loadavg)
    free_before=$(cores_free)
    cw=(); cm=(); bw=(); bm=(); aw=(); am=(); sw=(); sm=()
    for i in $(seq "$RUNS"); do
        log "N=$N run $i/$RUNS (load $(loadavg))"
        sync
        read -r w m rc < <(run_once "$ERRDEX" check --catalog "$CAT")
        [ "$rc" = 0 ] || { log "errdex check exited $rc"; exit 1; }
        cw+=("$w"); cm+=("$m")
        rm -rf "$SITE"; sync
        read -r w m rc < <(run_once "$ERRDEX" build --catalog "$CAT" --out "$SITE")
        [ "$rc" = 0 ] || { log "errdex build exited $rc"; exit 1; }
        bw+=("$w"); bm+=("$m")
        sync
        read -r w m rc < <(run_once "$ERRDEX" build --catalog "$CAT" --out "$SITE")
        [ "$rc" = 0 ] || { log "errdex build (rebuild) exited $rc"; exit 1; }
        aw+=("$w"); am+=("$m")
        if [ -n "$SHM_SITE" ]; then
            rm -rf "$SHM_SITE"; sync
            read -r w m rc < <(run_once "$ERRDEX" build --catalog "$CAT" --out "$SHM_SITE")
            [ "$rc" = 0 ] || { log "errdex build (tmpfs) exited $rc"; exit 1; }
            sw+=("$w"); sm+=("$m")
            rm -rf "$SHM_SITE"
        fi
    done
    load_after=$(loadavg)
    free_after=$(cores_free)
    files=$(find "$SITE" -type f | wc -l)
    size=$(du -sm "$SITE" | cut -f1)
    rm -rf "$SITE.copy"; sync
    read -r cpw _ _ < <(run_once cp -r "$SITE" "$SITE.copy")
    rm -rf "$SITE" "$SITE.copy"
    ROWS+=("| $N | \`check\` | $(secs "$(median "${cw[@]}")") | $(minmax "${cw[@]}") ms | $(mib "$(median "${cm[@]}")") | $RUNS | load $load_before → $load_after; cores free $free_before → $free_after |")
    ROWS+=("| $N | \`build\` | $(secs "$(median "${bw[@]}")") | $(minmax "${bw[@]}") ms | $(mib "$(median "${bm[@]}")") | $RUNS | $files files, $size MiB |")
    ROWS+=("| $N | \`build\` again, catalog unchanged | $(secs "$(median "${aw[@]}")") | $(minmax "${aw[@]}") ms | $(mib "$(median "${am[@]}")") | $RUNS | over the previous site: unchanged files linked |")
    if [ -n "$SHM_SITE" ]; then
        ROWS+=("| $N | \`build\` → tmpfs | $(secs "$(median "${sw[@]}")") | $(minmax "${sw[@]}") ms | $(mib "$(median "${sm[@]}")") | $RUNS | output in /dev/shm: no disk |")
    fi
    ROWS+=("| $N | \`cp -r\` of the site | $(secs "$cpw") | | | 1 | the disk's floor for this output |")
done

echo
echo "errdex $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), messages: $STYLE, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| errors | command | median wall | min–max | peak RSS (median) | runs | notes |"
echo "|---:|---|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
