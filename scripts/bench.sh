#!/usr/bin/env bash
# Reproduces BENCHMARKS.md (issue 17's rows), one run, from a clean checkout
# with ../shared/data beside it (about 6 GB free in OUT_DIR):
#   1. grows the shared statements to 100k and 1M (seeded);
#   2. growth curve, lexical: for 27k, 100k and 1M, the offline import, the
#      in-process check and retrieval latency (pruned against exhaustive,
#      `factdesk bench-retrieval`), then `factdesk bench` (gRPC import, cold
#      start, 1 and 32 clients, peak RSS, disk);
#   3. with embeddings (the model from scripts/fetch-model.sh): the encoder
#      (`factdesk bench-embed`), the 27k import, 27k through gRPC at 8
#      clients, nearest neighbours (`cargo bench --bench ann`; the 1M graph
#      alone takes about 25 minutes to build);
#   4. live transcripts on 27k (`factdesk bench-transcript`).
# tantivy side by side is scripts/bench-tantivy.sh (25 minutes at 1M).
# Usage: bash scripts/bench.sh [OUT_DIR] [SIZES]   (SIZES: "27k 100k 1m")
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
out=${1:-/tmp/factdesk-bench}
sizes=${2:-27k 100k 1m}
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
queries=(--queries "$data/checkthat2022/dev.queries.tsv" --queries "$data/checkthat2022/devtest.queries.tsv")
for name in $sizes; do
  echo "== $name, lexical"
  rm -rf "$out/offline-$name" "$out/grpc-$name"
  start=$(date +%s.%N)
  # The last two lines: the import's totals, and the compaction that follows a bulk load.
  "$bin" import "$out/$name.jsonl" --db "$out/offline-$name" --create 2>&1 | tail -n 2
  end=$(date +%s.%N)
  lines=$(wc -l < "$out/$name.jsonl")
  awk -v n="$lines" -v s="$start" -v e="$end" \
    'BEGIN { printf "offline import: %d statements in %.2f s = %.0f statements/s\n", n, e - s, n / (e - s) }'
  "$bin" bench-retrieval --db "$out/offline-$name" "${queries[@]}" --exhaustive-every 20 2>/dev/null
  # bench-retrieval left the index file beside the store: the whole directory counts.
  awk -v d="$(du -sb "$out/offline-$name" | cut -f1)" -v j="$(wc -c < "$out/$name.jsonl")" \
    'BEGIN { printf "offline database on disk: %.1f MB = %.2f x its JSONL\n", d / 1e6, d / j }'
  rm -rf "$out/offline-$name"
  "$bin" bench --db "$out/grpc-$name" --import "$out/$name.jsonl" "${claims[@]}" \
    --concurrency 1,32 --requests 10000 --warmup 500
  # An online import cannot be compacted while it serves; an operator runs
  # `factdesk compact` in a maintenance window.
  "$bin" compact --db "$out/grpc-$name" 2>&1 | tail -n 1
  awk -v d="$(du -sb "$out/grpc-$name" | cut -f1)" -v j="$(wc -c < "$out/$name.jsonl")" \
    'BEGIN { printf "gRPC-imported database after factdesk compact: %.1f MB = %.2f x its JSONL\n", d / 1e6, d / j }'
  rm -rf "$out/grpc-$name"
done
model=$(bash scripts/fetch-model.sh)
echo "== encoder ($model)"
"$bin" bench-embed --embedding-model "$model" --runs 200 \
  --statements "$data/snopes-statements.jsonl" --count 2000
echo "== 27k with embeddings"
rm -rf "$out/embed-27k"
start=$(date +%s.%N)
"$bin" import "$out/27k.jsonl" --db "$out/embed-27k" --create --embedding-model "$model" 2>&1 | tail -n 1
end=$(date +%s.%N)
awk -v n="$(wc -l < "$out/27k.jsonl")" -v s="$start" -v e="$end" \
  'BEGIN { printf "import with embeddings: %d statements in %.1f s = %.0f statements/s\n", n, e - s, n / (e - s) }'
"$bin" bench --db "$out/embed-27k" "${claims[@]}" --concurrency 1,8 --requests 3000 --warmup 100 \
  --server-arg=--embedding-model="$model"
echo "== nearest neighbours (real 27k vectors; 100k and 1M grown from them with seeded noise)"
cargo bench --bench ann -- --db "$out/embed-27k" --sizes 27067,100000,1000000 --queries 200
rm -rf "$out/embed-27k"
echo "== transcripts, 27k"
rm -rf "$out/transcripts-27k"
"$bin" import "$out/27k.jsonl" --db "$out/transcripts-27k" --create 2>&1 | tail -n 1
"$bin" bench-transcript --db "$out/transcripts-27k" \
  --sentences "$data/checkworthy2024/dev-test.tsv" --count 1000 --streams 1,16
rm -rf "$out/transcripts-27k"
