#!/usr/bin/env bash
# Sends the results back by C-STORE to a second storage SCP (standing in for the PACS or planning system).
set -euo pipefail
out=$1; shift
inbox="$out/received/results"
rm -rf "$inbox"; mkdir -p "$inbox"
"$@" dicom listen --aet PACS --port 0 --out "$inbox" > "$out/listen-results.log" 2>&1 &
listener=$!
trap 'kill "$listener" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^Listening as PACS on port \([0-9]*\).*/\1/p' "$out/listen-results.log")
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "$port" ] || { echo "the results SCP did not start:" >&2; cat "$out/listen-results.log" >&2; exit 1; }
"$@" dicom send 127.0.0.1 "$port" --aec PACS "$out/segment/seg.dcm" "$out/segment/rtstruct.dcm" | tee "$out/send-results.log"
received=$(find "$inbox" -name '*.dcm' | wc -l)
echo "results received by PACS: $received instances"
[ "$received" -eq 2 ]
