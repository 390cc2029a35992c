#!/usr/bin/env bash
# Scores the SEG object the node delivered to the PACS against the phantom's ground truth (per-structure Dice, HD95).
set -euo pipefail
out=$1; shift
mkdir -p "$out/evaluate-seg/pred"
cp "$out/pacs-seg.dcm" "$out/evaluate-seg/pred/wholebody_0000.dcm"
"$@" evaluate --pred "$out/evaluate-seg/pred" --truth "$out/phantom/labelsTr" --task wholebody \
  --series "$out/phantom/dicom" --json "$out/evaluation-seg.json" | tail -n 5
