#!/usr/bin/env bash
# The phantom study travels over DICOM: a storage SCP (cseg dicom listen, port chosen by the system)
# receives the series from cseg dicom send, as a modality would route it to the node.
set -euo pipefail
out=$1; shift
inbox="$out/received/ct"
rm -rf "$inbox"; mkdir -p "$inbox"
"$@" dicom listen --aet CSEG --port 0 --out "$inbox" > "$out/listen-ct.log" 2>&1 &
listener=$!
trap 'kill "$listener" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^Listening as CSEG on port \([0-9]*\).*/\1/p' "$out/listen-ct.log")
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "$port" ] || { echo "the storage SCP did not start:" >&2; cat "$out/listen-ct.log" >&2; exit 1; }
"$@" dicom echo 127.0.0.1 "$port" --aec CSEG
"$@" dicom send 127.0.0.1 "$port" --aec CSEG "$out/phantom/dicom/wholebody_0000" > "$out/send-ct.log"
tail -n 1 "$out/send-ct.log"
sent=$(find "$out/phantom/dicom/wholebody_0000" -name '*.dcm' | wc -l)
received=$(find "$inbox" -name '*.dcm' | wc -l)
echo "sent $sent instances, received $received"
[ "$sent" -eq "$received" ]
