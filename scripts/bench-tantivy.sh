#!/usr/bin/env bash
# factdesk vs tantivy on the CheckThat! 2022 queries, same machine, one run:
# builds bench/tantivy-compare (release, its own target dir) and runs it on
# the 27k shared statements and, when present, on OUT_DIR/1m.jsonl (made by
# scripts/bench.sh: `factdesk grow ... --count 1000000 --seed 1`), over the
# train, dev and devtest queries. With --factdesk, `factdesk eval --context
# off` runs on the same files right after each (release build, or
# $FACTDESK_BIN when set).
# Usage: bash scripts/bench-tantivy.sh [--factdesk] [OUT_DIR]   (OUT_DIR: /tmp/factdesk-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
factdesk=false
if [ "${1:-}" = --factdesk ]; then factdesk=true; shift; fi
data=../shared/data
out=${1:-/tmp/factdesk-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/tantivy-compare}
cargo build --release --quiet --manifest-path bench/tantivy-compare/Cargo.toml
tantivy=$CARGO_TARGET_DIR/release/tantivy-compare
if $factdesk && [ -z "${FACTDESK_BIN:-}" ]; then
  CARGO_TARGET_DIR=target cargo build --release --quiet
fi
bin=${FACTDESK_BIN:-target/release/factdesk}
queries=()
for split in train dev devtest; do
  queries+=("$data/checkthat2022/$split.queries.tsv")
done
corpora=("27k:$data/snopes-statements.jsonl $data/politifact-statements.jsonl")
[ -s "$out/1m.jsonl" ] && corpora+=("1m:$out/1m.jsonl")
for corpus in "${corpora[@]}"; do
  name=${corpus%%:*}
  read -r -a files <<< "${corpus#*:}"
  echo "== $name: tantivy"
  "$tantivy" --statements "${files[@]}" --queries "${queries[@]}"
  if $factdesk; then
    echo
    echo "== $name: factdesk ($bin)"
    start=$(date +%s.%N)
    args=()
    for f in "${files[@]}"; do args+=(--statements "$f"); done
    for q in "${queries[@]}"; do args+=(--queries "$q"); done
    "$bin" eval "${args[@]}" --context off
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "factdesk eval: %.1f s in all (load + queries)\n", e - s }'
  fi
  echo
done
