#!/usr/bin/env bash
# Sourced by the demo steps: start_scp AET INBOX LOG CSEG... starts `cseg dicom listen` on a port the
# system chooses, waits until it listens, and sets SCP_PORT and SCP_PID (stopped when the step exits).
start_scp() {
  local aet=$1 inbox=$2 log=$3
  shift 3
  rm -rf "$inbox"; mkdir -p "$inbox"
  "$@" dicom listen --aet "$aet" --port 0 --out "$inbox" > "$log" 2>&1 &
  SCP_PID=$!
  trap 'kill "$SCP_PID" 2>/dev/null || true' EXIT
  SCP_PORT=""
  for _ in $(seq 1 100); do
    SCP_PORT=$(sed -n "s/^Listening as $aet on port \([0-9]*\).*/\1/p" "$log")
    [ -n "$SCP_PORT" ] && return 0
    sleep 0.2
  done
  echo "the storage SCP $aet did not start:" >&2
  cat "$log" >&2
  return 1
}
