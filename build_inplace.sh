#!/usr/bin/env bash
# Developer helper: rebuild the extension and swap it in atomically (rename), so that
# processes that already loaded the old one (benchmarks, other shells) keep working.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
python setup.py -q build_ext -b "$tmp" -t "$tmp/tmp" >/dev/null
for so in "$tmp"/penalized/*.so; do
  cp "$so" "src/penalized/.$(basename "$so").new"
  mv -f "src/penalized/.$(basename "$so").new" "src/penalized/$(basename "$so")"
done
rm -rf "$tmp"
