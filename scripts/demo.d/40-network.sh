#!/usr/bin/env bash
# The phantom study travels over DICOM: a storage SCP (cseg dicom listen, port chosen by the system)
# receives the series from cseg dicom send, as a modality would route it to the node.
set -euo pipefail
out=$1; shift
source "$(dirname "$0")/lib/scp.sh"
start_scp CSEG "$out/received/ct" "$out/listen-ct.log" "$@"
"$@" dicom echo 127.0.0.1 "$SCP_PORT" --aec CSEG
"$@" dicom send 127.0.0.1 "$SCP_PORT" --aec CSEG "$out/phantom/dicom/wholebody_0000" > "$out/send-ct.log"
tail -n 1 "$out/send-ct.log"
sent=$(find "$out/phantom/dicom/wholebody_0000" -name '*.dcm' | wc -l)
received=$(find "$out/received/ct" -name '*.dcm' | wc -l)
echo "sent $sent instances, received $received"
[ "$sent" -eq "$received" ]
