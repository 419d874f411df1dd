#!/usr/bin/env bash
# One prepared script for a short session on a CUDA GPU (see benchmarks/README.md):
#   1. the benchmark (bench.py --quick): its GPU keys measure full-width VGG16_11 images/s;
#   2. gpu_concurrency.py: full-width throughput for 1 and 4 concurrent runs on the one GPU, and
#      from it the hours the `full` profile's CIFAR experiments would take;
#   3. the precision equivalence at the `cpu` profile: the headline pair's 3 seeds trained in
#      bf16_mixed (`experiment precision`; its fp32 half is the committed cpu records), 4 at once;
#   4. the full-width Convention vs Swap pair (VGG16_11, Tanh, CIFAR-100) under the `gpu_pair`
#      profile, both at once.
# Records go to the results store ($BNSWAP_RESULTS_DIR, default results/); $OUT (default
# ./device_out) gets the JSON, the logs and a copy of the new records. Set BNSWAP_DATA_DIR to a
# folder holding CIFAR-100 (or let torchvision download it); BNSWAP_CACHE_DIR for the tensors.
# Each step is skipped with SKIP_BENCH=1, SKIP_CONCURRENCY=1, SKIP_PRECISION=1, SKIP_PAIR=1.
#
#   OUT=/tmp/out BNSWAP_DATA_DIR=data bash benchmarks/device_check.sh [profile]
set -euo pipefail
PROFILE="${1:-gpu_pair}"
OUT="$(realpath -m "${OUT:-device_out}")"
DEVICE="${DEVICE:-cuda}"
cd "$(dirname "$0")/.."
RESULTS="${BNSWAP_RESULTS_DIR:-results}"
mkdir -p "$OUT/records" "$RESULTS"
before=$(mktemp)
ls "$RESULTS" > "$before"
copy_new_records() {
  comm -13 "$before" <(ls "$RESULTS") | while read -r f; do cp "$RESULTS/$f" "$OUT/records/"; done
}
python - <<'PY'
import torch
print("torch", torch.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
PY
if [ -z "${SKIP_BENCH:-}" ]; then
  python benchmarks/bench.py --quick 2>&1 | tee "$OUT/bench.log"
  tail -n 1 "$OUT/bench.log" > "$OUT/bench.json"
fi
if [ -z "${SKIP_CONCURRENCY:-}" ]; then
  python benchmarks/gpu_concurrency.py --jobs 1 4 2>&1 | tee "$OUT/concurrency.log"
  tail -n 1 "$OUT/concurrency.log" > "$OUT/concurrency.json"
fi
if [ -z "${SKIP_PRECISION:-}" ]; then
  python -m bnswap experiment precision --profile cpu --device "$DEVICE" --jobs 4 \
    --no-progress 2>&1 | tee -a "$OUT/precision.log"
  copy_new_records
fi
if [ -z "${SKIP_PAIR:-}" ]; then
  for order in convention swap; do
    python -m bnswap train --arch vgg16_11 --order "$order" --activation tanh \
      --dataset cifar100 --profile "$PROFILE" --device "$DEVICE" --no-progress \
      2>&1 | tee -a "$OUT/train.log" &
  done
  wait
  copy_new_records
fi
echo "records copied to $OUT/records:"; ls "$OUT/records"
