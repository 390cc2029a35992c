#!/usr/bin/env bash
# Reads back the first slice of the phantom series with the project's own DICOM toolkit.
set -euo pipefail
out=$1; shift
first=$(ls "$out"/phantom/dicom/wholebody_0000/*.dcm | head -n 1)
"$@" dicom dump --header "$first" | tee "$out/first-slice.txt" | head -n 40
