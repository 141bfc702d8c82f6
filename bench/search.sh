#!/usr/bin/env bash
# Benchmark of search (issue #4) on a generated corpus of 10,000 pages:
#   - build time with and without the index stage (in-memory builds, medians of RUNS),
#     and the CLI build's wall time into a fresh folder;
#   - index size on disk (bytes and allocated blocks) and number of index files;
#   - bytes fetched and time to results for a first and later queries in Chromium.
# usage: bash bench/search.sh            (PAGES=10000 RUNS=5 OUT=bench/out by default)
# Needs ../shared/bench/gen_corpus.py (or GEN=path), python3, node and Chromium (scripts/setup-tools.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pages=${PAGES:-10000}
runs=${RUNS:-5}
out=${OUT:-$repo/bench/out}
gen=${GEN:-$repo/../shared/bench/gen_corpus.py}
today=2026-06-01
corpus=$out/corpus-$pages
site=$out/site-$pages
mkdir -p "$out"
[ -f "$gen" ] || { echo "bench: no corpus generator at $gen (set GEN=)" >&2; exit 2; }
if [ ! -f "$corpus/site.yaml" ]; then
  echo "bench: generating $pages pages into $corpus" >&2
  python3 "$gen" --pages "$pages" --out "$corpus" --seed 1 --flavor tsunagi >&2
fi
cd "$repo"
cargo build --release --quiet --bin tsunagi --example search_timing
bin=$repo/target/release/tsunagi

echo "bench: in-memory builds, $runs runs each" >&2
timing=$("$repo/target/release/examples/search_timing" "$corpus" "$runs" "$today")

echo "bench: CLI builds into a fresh folder, $runs runs" >&2
# each run into a folder that never existed: deleting a built site leaves
# seconds of kernel work that would be charged to the next timed build
rm -rf "$site" "$site".run-*
sync; sleep 3
walls=()
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  "$bin" build --root "$corpus" --output "$site.run-$i" --today "$today" --quiet
  end=$(date +%s.%N)
  walls+=("$(echo "$end - $start" | bc)")
done
mv "$site.run-$runs" "$site"
rm -rf "$site".run-*
wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")

idx=$site/search-index
files=$(find "$idx" -type f | wc -l)
apparent=$(du -sb --apparent-size "$idx" | cut -f1)
blocks=$(( $(du -sk "$idx" | cut -f1) * 1024 ))
total_out=$(du -sb --apparent-size "$site" | cut -f1)

echo "bench: queries in Chromium" >&2
browser=$(node "$repo/bench/search-bench.mjs" "$site" /)

cat <<JSON
{
 "pages": $pages,
 "in_memory": $timing,
 "cli_build_wall_seconds_median": $wall,
 "index": {"files": $files, "bytes": $apparent, "bytes_allocated": $blocks, "site_output_bytes": $total_out},
 "browser": $browser
}
JSON
