#!/usr/bin/env bash
# One prepared script for a short session on a CUDA GPU (see benchmarks/README.md):
#   1. the benchmark, whose GPU keys measure full-width VGG16_11 images/s and seconds per epoch;
#   2. the full-width Convention vs Swap pair (VGG16_11, Tanh, CIFAR-100) under the `gpu_pair`
#      profile, recorded in the results store like every other run.
# Records go to the results store ($BNSWAP_RESULTS_DIR, default results/); $OUT (default
# ./device_out) gets the benchmark JSON, the logs and a copy of the new records. Set BNSWAP_DATA_DIR to a folder holding CIFAR-100 (or let torchvision
# download it); BNSWAP_CACHE_DIR for the converted tensors.
#
#   OUT=/tmp/out BNSWAP_DATA_DIR=data bash benchmarks/device_check.sh [profile]
set -euo pipefail
PROFILE="${1:-gpu_pair}"
OUT="$(realpath -m "${OUT:-device_out}")"
DEVICE="${DEVICE:-cuda}"
cd "$(dirname "$0")/.."
RESULTS="${BNSWAP_RESULTS_DIR:-results}"
mkdir -p "$OUT/records" "$RESULTS"
python - <<'PY'
import torch
print("torch", torch.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
PY
# 1. Benchmark (a minute or two); its last line is the JSON. SKIP_BENCH=1 skips it.
if [ -z "${SKIP_BENCH:-}" ]; then
  python benchmarks/bench.py --quick 2>&1 | tee "$OUT/bench.log"
  tail -n 1 "$OUT/bench.log" > "$OUT/bench.json"
fi
# 2. The pair, one after the other (jobs 1 on a GPU); each record lands as soon as its run ends.
before=$(mktemp)
ls "$RESULTS" > "$before"
for order in convention swap; do
  python -m bnswap train --arch vgg16_11 --order "$order" --activation tanh --dataset cifar100 \
    --profile "$PROFILE" --device "$DEVICE" --no-progress 2>&1 | tee -a "$OUT/train.log"
  comm -13 "$before" <(ls "$RESULTS") | while read -r f; do cp "$RESULTS/$f" "$OUT/records/"; done
done
echo "records copied to $OUT/records:"; ls "$OUT/records"
