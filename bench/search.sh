#!/usr/bin/env bash
# Benchmark of search (issue #4) on a generated corpus of 10,000 pages:
#   - what the index adds to a build: in-memory builds and whole CLI builds
#     into fresh folders, with and without it (RUNS pairs each, medians);
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

echo "bench: in-memory builds and clean CLI builds, $runs pairs each" >&2
# each clean build into a folder that never existed, on a quiet machine:
# deleting a built site leaves seconds of kernel work that would be
# charged to the next timed build, so nothing is deleted until the end
clean=$out/clean-$pages
old=$out/old-$$
mkdir -p "$old"
for d in "$site" "$clean"; do [ ! -e "$d" ] || mv "$d" "$old/"; done
timing=$(CLEAN_BUILDS_IN="$clean" "$repo/target/release/examples/search_timing" "$corpus" "$runs" "$today")
mv "$clean/with-0" "$site"
mv "$clean" "$old/"

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
 "builds": $timing,
 "index": {"files": $files, "bytes": $apparent, "bytes_allocated": $blocks, "site_output_bytes": $total_out},
 "browser": $browser
}
JSON
rm -rf "$old"
