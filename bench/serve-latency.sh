#!/usr/bin/env bash
# Benchmarks `tsunagi serve` on a generated site (default 10,000 pages):
#   1. edit-to-reload latency: one talent saved N times, from the file's
#      rename to the SSE `reload` event (median, p95), first with a sentence
#      added to its body, then with its headline (front matter) changed
#      (both show the edited page before the rest of the site is rebuilt),
#      and to the edited page fetched after the event, as the open tab does;
#   2. requests per second for a cached page: wrk -t2 -c16 -d10s.
# usage: bench/serve-latency.sh [PAGES] [EDITS]
# env:   GEN (corpus generator, default /work/shared/bench/gen_corpus.py), DIR (site folder)
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-10000}
EDITS=${2:-40}
GEN=${GEN:-/work/shared/bench/gen_corpus.py}
DIR=${DIR:-${TMPDIR:-/tmp}/tsunagi-bench-$PAGES}
TODAY=2026-03-01

cargo build --release --quiet
if [ ! -f "$DIR/corpus-manifest.json" ]; then
  python3 "$GEN" --pages "$PAGES" --out "$DIR" --seed 1 --flavor tsunagi >/dev/null
fi
# a talent that is published on $TODAY
TALENT=""
for f in "$DIR"/content/talents/t*.md; do
  if grep -q 'status: "seeking"' "$f" && grep -q 'withdrawn: null' "$f"; then TALENT=$f; break; fi
done
[ -n "$TALENT" ] || { echo "no published talent found in $DIR" >&2; exit 1; }

LOG=$(mktemp)
target/release/tsunagi serve --root "$DIR" --port 0 --today "$TODAY" >"$LOG" 2>"$LOG.err" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG" "$LOG.err"' EXIT
for _ in $(seq 1 600); do grep -q '^serving ' "$LOG" && break; sleep 0.1; done
URL=$(sed -n 's/^serving //p' "$LOG")
echo "site: $DIR ($PAGES pages), server: $URL"
grep -m1 '^built' "$LOG.err" || true

stats() {
  sort -n | awk '{a[NR]=$1} END {if (NR) {p=int(NR*0.95+0.5); if (p>NR) p=NR; if (p<1) p=1; printf "  median %s  p95 %s  (n=%d)\n", a[int((NR+1)/2)], a[p], NR}}'
}
# a body edit (the edited page is shown at once), then a front-matter edit (shown once the content is loaded)
PAGE="${URL}talents/$(basename "$TALENT" .md | tr 'A-Z' 'a-z')/"
python3 bench/serve_latency.py "$URL" "$TALENT" "$EDITS" body "$PAGE"
echo "server: edited page shown (ms):"
grep "^edited page shown" "$LOG.err" | sed -E 's/^edited page shown in ([0-9]+) ms.*/\1/' | stats
echo "server: rebuild that follows (ms):"
grep '^rebuilt' "$LOG.err" | sed -E 's/^rebuilt in ([0-9]+) ms.*/\1/' | stats
lines=$(wc -l <"$LOG.err")
python3 bench/serve_latency.py "$URL" "$TALENT" "$EDITS" front "$PAGE"
echo "server: edited page shown, content loaded first (ms):"
tail -n +"$((lines + 1))" "$LOG.err" | grep '^edited page shown' | sed -E 's/^edited page shown in ([0-9]+) ms.*/\1/' | stats
echo "server: rebuild that follows (ms):"
tail -n +"$((lines + 1))" "$LOG.err" | grep '^rebuilt' | sed -E 's/^rebuilt in ([0-9]+) ms.*/\1/' | stats

if ! command -v wrk >/dev/null; then
  echo "wrk not installed (apt-get install wrk); skipping the request-rate run"
  exit 0
fi
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$PAGE" || true)
[ "$STATUS" = 200 ] || PAGE="$URL"
echo "wrk on $PAGE"
wrk -t2 -c16 -d10s "$PAGE"
