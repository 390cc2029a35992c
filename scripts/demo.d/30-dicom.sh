#!/usr/bin/env bash
# Reads back the first slice of the phantom series with the project's own DICOM toolkit.
set -euo pipefail
out=$1; shift
# sed reads the whole list (head would stop early and, under pipefail, fail the step on sort's SIGPIPE)
first=$(find "$out/phantom/dicom/wholebody_0000" -name '*.dcm' | sort | sed -n '1p')
"$@" dicom dump --header "$first" > "$out/first-slice.txt"
sed -n '1,40p' "$out/first-slice.txt"
