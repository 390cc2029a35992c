#!/usr/bin/env bash
# Sends the results back by C-STORE to a second storage SCP (standing in for the PACS or planning system).
set -euo pipefail
out=$1; shift
source "$(dirname "$0")/lib/scp.sh"
start_scp PACS "$out/received/results" "$out/listen-results.log" "$@"
"$@" dicom send 127.0.0.1 "$SCP_PORT" --aec PACS "$out/segment/seg.dcm" "$out/segment/rtstruct.dcm" | tee "$out/send-results.log"
received=$(find "$out/received/results" -name '*.dcm' | wc -l)
echo "results received by PACS: $received instances"
[ "$received" -eq 2 ]
