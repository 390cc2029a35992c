#!/usr/bin/env bash
# Scores the phantom's labels against themselves: every structure must come out with Dice 1.
set -euo pipefail
out=$1; shift
"$@" evaluate --pred "$out/phantom/labelsTr" --truth "$out/phantom/labelsTr" --task wholebody --json "$out/evaluation.json" | tail -n 5
