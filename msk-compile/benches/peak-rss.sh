#!/usr/bin/env bash
# Peak memory and whole-process time of `msk-compile compile` on the synthetic services of
# the README's Performance section (200x5, 1000x10, 5000x10 functions x msk events, seed 1).
#
#   msk-compile/benches/peak-rss.sh [RUNS]
#
# Builds the release binary and the `synth` example, writes the three services to a
# temporary directory, then for each: peak RSS (`/usr/bin/time -v`, "Maximum resident set
# size"), input and output bytes and RSS / (input + output) (the target: at most 4 at 5000x10).
# Then the wall time of the whole process on 1000x10 (the target: under 150 ms): with hyperfine
# when installed (median and mean), else the median of RUNS (default 30) runs timed here.
#
# Needs GNU time at /usr/bin/time (Debian: `apt-get install time`).
set -euo pipefail

runs="${1:-30}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

cargo build --release --quiet -p msk-compile --bin msk-compile --example synth
target="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
bin="$target/release/msk-compile"
synth="$target/release/examples/synth"

if [ ! -x /usr/bin/time ]; then
    echo "peak-rss.sh: /usr/bin/time (GNU time) is needed" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf '%-9s %12s %12s %12s %8s %8s\n' size "input B" "output B" "peak RSS KiB" "RSS/io" "wall s"
for size in 200x5 1000x10 5000x10; do
    functions="${size%x*}"
    events="${size#*x}"
    "$synth" "$functions" "$events" 1 >"$work/$size.yml"
    /usr/bin/time -v -o "$work/$size.time" "$bin" compile "$work/$size.yml" >"$work/$size.json"
    input=$(stat -c %s "$work/$size.yml")
    output=$(stat -c %s "$work/$size.json")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$size.time")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$size.time")
    ratio=$(awk -v r="$rss" -v i="$input" -v o="$output" 'BEGIN { printf "%.2f", r * 1024 / (i + o) }')
    printf '%-9s %12d %12d %12d %8s %8s\n' "$size" "$input" "$output" "$rss" "$ratio" "$wall"
done

echo
echo "whole process, 1000x10 (target: < 150 ms):"
if command -v hyperfine >/dev/null; then
    # Median as well as mean: on a shared machine a few slow runs move the mean.
    hyperfine --warmup 3 --runs "$runs" -N --export-csv "$work/time.csv" "$bin compile $work/1000x10.yml"
    awk -F, 'NR == 2 { printf "median %.1f ms, mean %.1f ms, min %.1f ms (user %.1f ms, system %.1f ms)\n", $4 * 1000, $2 * 1000, $7 * 1000, $5 * 1000, $6 * 1000 }' "$work/time.csv"
else
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        "$bin" compile "$work/1000x10.yml" >/dev/null
        end=$(date +%s%N)
        echo $(((end - start) / 1000000))
    done | sort -n | awk '{ t[NR] = $1 } END { printf "median of %d runs: %d ms (min %d, max %d)\n", NR, t[int((NR + 1) / 2)], t[1], t[NR] }'
fi
