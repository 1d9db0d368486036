#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: grows the shared statements to 100k and 1M
# (seeded), then for 27k, 100k and 1M measures the offline import and runs
# `factdesk bench` (gRPC import, cold start, 1 and 32 clients, peak RSS, disk);
# then live transcripts on 27k (`factdesk bench-transcript`).
# Usage: bash scripts/bench.sh [OUT_DIR]   (needs ../shared/data; ~2 GB in OUT_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
out=${1:-/tmp/factdesk-bench}
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/factdesk
originals=("$data/snopes-statements.jsonl" "$data/politifact-statements.jsonl")
cat "${originals[@]}" > "$out/27k.jsonl"
for size in 100k:100000 1m:1000000; do
  name=${size%%:*}; count=${size##*:}
  [ -s "$out/$name.jsonl" ] || "$bin" grow "${originals[@]}" --count "$count" --seed 1 > "$out/$name.jsonl"
done
claims=(--claims "$data/checkthat2022/train.queries.tsv" --claims "$data/stance-dev.jsonl")
for name in 27k 100k 1m; do
  echo "== $name"
  rm -rf "$out/offline-$name" "$out/grpc-$name"
  start=$(date +%s.%N)
  "$bin" import "$out/$name.jsonl" --db "$out/offline-$name" --create 2>&1 | tail -n 1
  end=$(date +%s.%N)
  lines=$(wc -l < "$out/$name.jsonl")
  awk -v n="$lines" -v s="$start" -v e="$end" \
    'BEGIN { printf "offline import: %d statements in %.2f s = %.0f statements/s\n", n, e - s, n / (e - s) }'
  rm -rf "$out/offline-$name"
  "$bin" bench --db "$out/grpc-$name" --import "$out/$name.jsonl" "${claims[@]}" \
    --concurrency 1,32 --requests 10000 --warmup 500
  rm -rf "$out/grpc-$name"
done
echo "== transcripts, 27k"
rm -rf "$out/transcripts-27k"
"$bin" import "$out/27k.jsonl" --db "$out/transcripts-27k" --create 2>&1 | tail -n 1
"$bin" bench-transcript --db "$out/transcripts-27k" \
  --sentences "$data/checkworthy2024/dev-test.tsv" --count 1000 --streams 1,16
rm -rf "$out/transcripts-27k"
