#!/usr/bin/env bash
# Shows that the segmentation engine's runtime loads and computes: libtorch version, threads, device.
set -euo pipefail
out=$1; shift
"$@" doctor | grep -E "libtorch|cuda|torch-compat" | tee "$out/torch.txt"
