#!/usr/bin/env bash
# A phantom CT study (whole-body dataset, one case) as NIfTI, as a DICOM series, and as a preview picture.
set -euo pipefail
out=$1; shift
"$@" phantom --out "$out/phantom" --task wholebody --cases 1 --seed 1 --dicom --preview
