#!/usr/bin/env bash
# Segments the received series with the default model (models/default): SEG, RTSTRUCT, label map,
# preview and report. The default model is a phantom-trained demonstration model (models/default/README.md).
set -euo pipefail
out=$1; shift
rm -rf "$out/segment"
"$@" segment --input "$out/received/ct" --out "$out/segment"
ls -l "$out/segment"
