#!/usr/bin/env bash
# The test command: sets up its tools, then runs everything.
#   formatting, clippy (warnings are errors), unit and integration tests (including
#   the headless-Chromium tests), then builds the example site and a sub-path fixture
#   and judges both with outside validators (Nu Html Checker, lychee, sitemap XSD,
#   feed check, axe-core).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-tools.sh

echo "=== cargo fmt --check"
cargo fmt --all -- --check
echo "=== cargo clippy"
cargo clippy --locked --all-targets -- -D warnings
echo "=== cargo test"
cargo test --locked

echo "=== example site"
cargo build --locked --release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./target/release/tsunagi build --output "$out/example"
bash scripts/check-site.sh "$out/example" / "https://tsunagi.example/"
./target/release/tsunagi build --output "$out/companies/" --audience companies -q
bash scripts/check-site.sh "$out/companies" / "https://tsunagi.example/"

echo "=== fixture built for a sub-path (/jobs/)"
./target/release/tsunagi build --root tests/fixtures/sites/basic --output "$out/sub/jobs" --today 2026-06-01 -q
bash scripts/check-site.sh "$out/sub/jobs" /jobs/ "https://example.org/jobs/"
echo "test.sh: all passed"
