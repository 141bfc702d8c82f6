#!/usr/bin/env bash
# Judges a built site with outside validators (offline):
#   html     Nu Html Checker (vnu.jar) on every page, errors fail
#   links    lychee --offline: internal links, images, #fragments
#   sitemap  xmllint against the sitemaps.org 0.9 XSD
#   feeds    scripts/feed_check.py (RFC 4287 + feedparser)
#   a11y     axe-core in headless Chromium on every page
# usage: scripts/check-site.sh OUTPUT_DIR [BASE_PATH] [SITE_URL]
#   BASE_PATH: the path the site is built for (e.g. /jobs/) when OUTPUT_DIR is <root>/jobs
#   SITE_URL:  the site's base URL, mapped onto OUTPUT_DIR so absolute self-links are checked too
# Tools come from scripts/setup-tools.sh.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$(cd "${1:?usage: check-site.sh OUTPUT_DIR [BASE_PATH] [SITE_URL]}" && pwd)
base=${2:-/}
site_url=${3:-}
tools=$repo/tests/tools/node_modules
venv=$repo/target/tools/venv
for f in "$tools/vnu-jar/build/dist/vnu.jar" "$tools/sitemap/schema/sitemap.xsd" "$venv/bin/lychee" "$tools/playwright-core"; do
  [ -e "$f" ] || { echo "check-site: missing $f; run scripts/setup-tools.sh" >&2; exit 2; }
done
root=$dir
if [ "$base" != "/" ]; then root=${dir%"${base%/}"}; fi

failed=()
step() {
  local name=$1; shift
  echo "=== $name"
  if "$@"; then echo "--- $name: ok"; else echo "--- $name: FAIL"; failed+=("$name"); fi
}
html() { java -Xss8m -jar "$tools/vnu-jar/build/dist/vnu.jar" --skip-non-html --errors-only "$dir"; }
links() {
  local args=(--offline --include-fragments --no-progress --root-dir "$root" --index-files index.html)
  if [ -n "$site_url" ]; then
    args+=(--remap "^$(printf '%s' "${site_url%/}" | sed 's/[.[\*^$()+?{|]/\\&/g')(/|\$) file://$dir/")
  fi
  "$venv/bin/lychee" "${args[@]}" "$dir"
}
sitemap() {
  [ -f "$dir/sitemap.xml" ] || { echo "no sitemap.xml"; return 1; }
  local rc=0 f
  for f in "$dir"/sitemap*.xml; do
    case "$(xmllint --nonet --xpath 'local-name(/*)' "$f")" in
      urlset) xmllint --noout --nonet --schema "$tools/sitemap/schema/sitemap.xsd" "$f" || rc=1 ;;
      sitemapindex) xmllint --noout --nonet --schema "$repo/tests/tools/siteindex.xsd" "$f" || rc=1 ;;
      *) echo "$f: neither urlset nor sitemapindex"; rc=1 ;;
    esac
  done
  return $rc
}
feeds() { mapfile -t f < <(find "$dir" -name atom.xml | sort); "$venv/bin/python" "$repo/scripts/feed_check.py" "${f[@]}"; }
a11y() { node "$repo/tests/tools/axe.mjs" "$dir" "$base"; }

step html html
step links links
step sitemap sitemap
step feeds feeds
step a11y a11y
if [ "${#failed[@]}" -gt 0 ]; then echo "check-site: FAILED: ${failed[*]}"; exit 1; fi
echo "check-site: all checks passed"
