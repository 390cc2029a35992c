#!/usr/bin/env bash
# The node as a hospital runs it: `cseg serve` on its default configuration (appsettings.json: managed PostgreSQL,
# the default model), a dcmtk storescp standing in for the PACS, the phantom CT study sent by dcmtk storescu. The
# step waits for SEG and RTSTRUCT to arrive at the PACS, validates both with dciodvfy, prints what the node did
# (structures found, each stage's time from the job's timeline) and stops everything cleanly.
# Only ports and directories are moved off their defaults (CSEG_* variables), so the demo never collides with a
# node already running here.
set -euo pipefail
out=$(cd "$1" && pwd); shift
cseg=("$@")

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
node_port=$(free_port)
pacs_port=$(free_port)
# The managed cluster runs as the postgres user when we are root: its directory must be reachable by that user.
pg_root=$(mktemp -d /var/tmp/cseg-demo-pg.XXXXXX)
chmod 755 "$pg_root"
rm -rf "$out/node" "$out/pacs"
mkdir -p "$out/node" "$out/pacs"

node_pid=""; pacs_pid=""
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  if [ -n "$pacs_pid" ]; then kill "$pacs_pid" 2>/dev/null || true; fi
  rm -rf "$pg_root"
}
trap cleanup EXIT

TCP_NODELAY=1 storescp -aet PACS -od "$out/pacs" "$pacs_port" > "$out/pacs.log" 2>&1 &
pacs_pid=$!

export CSEG_Dicom__Port=$node_port
export CSEG_Storage__Root=$out/node/storage
export CSEG_Database__DataDirectory=$pg_root/pgdata
export CSEG_Destinations__PACS__Host=127.0.0.1 CSEG_Destinations__PACS__Port=$pacs_port CSEG_Destinations__PACS__AeTitle=PACS
start=$(date +%s)
"${cseg[@]}" serve > "$out/node.log" 2>&1 &
node_pid=$!

for _ in $(seq 1 600); do
  grep -q "Listening as" "$out/node.log" && break
  if ! kill -0 "$node_pid" 2>/dev/null; then echo "the node did not start:" >&2; cat "$out/node.log" >&2; exit 1; fi
  sleep 0.2
done
grep -q "Listening as" "$out/node.log" || { echo "the node did not start listening in 120 s" >&2; cat "$out/node.log" >&2; exit 1; }
echo "node listening on port $node_port (managed PostgreSQL in $pg_root/pgdata); PACS (storescp) on port $pacs_port"

series="$out/phantom/dicom/wholebody_0000"
count=$(find "$series" -name '*.dcm' | wc -l)
TCP_NODELAY=1 storescu -aet MODALITY -aec CSEG 127.0.0.1 "$node_port" +sd "$series"

# storescu ends 0 even when single stores fail: the node's own count of what it stored (each row committed before
# its success went back) must be the whole series.
port=$(sed -n 4p "$pg_root/pgdata/cluster/postmaster.pid")
psql_node() { PGPASSWORD=$(cat "$pg_root/pgdata/password") psql -h 127.0.0.1 -p "$port" -U cseg -d cseg -At "$@"; }
stored=$(psql_node -c "select count(*) from instances")
[ "$stored" -eq "$count" ] || { echo "the node stored $stored of the $count instances sent" >&2; tail -n 30 "$out/node.log" >&2; exit 1; }
echo "sent $count CT instances to the node (all stored); waiting for SEG and RTSTRUCT at the PACS (quiet period, then inference)"

last=""
for i in $(seq 1 1800); do
  if [ "$(find "$out/pacs" -name 'SG*' | wc -l)" -ge 1 ] && [ "$(find "$out/pacs" -name 'RS*' | wc -l)" -ge 1 ]; then break; fi
  if ! kill -0 "$node_pid" 2>/dev/null; then echo "the node stopped:" >&2; tail -n 30 "$out/node.log" >&2; exit 1; fi
  line=$(grep -a -E "Series .* complete|Job [0-9]+ (claimed|done|failed)|Delivery" "$out/node.log" | tail -n 1 | sed 's/^[0-9-]* [0-9:]* [a-z]*: [A-Za-z.]*\[[0-9]*\] //') || true
  if [ -n "$line" ] && [ "$line" != "$last" ]; then echo "  [$(( $(date +%s) - start )) s] $line"; last=$line; fi
  sleep 1
  if [ "$i" -eq 1800 ]; then echo "no results after 30 minutes" >&2; tail -n 30 "$out/node.log" >&2; exit 1; fi
done
seg=$(find "$out/pacs" -name 'SG*' | head -n 1)
rt=$(find "$out/pacs" -name 'RS*' | head -n 1)
echo "  [$(( $(date +%s) - start )) s] received $(basename "$seg") and $(basename "$rt") at the PACS"

command -v dciodvfy > /dev/null || { echo "dciodvfy is not installed: the results cannot be checked" >&2; exit 1; }
for f in "$seg" "$rt"; do
  report=$(dciodvfy "$f" 2>&1) || true
  [ -n "$report" ] || { echo "dciodvfy said nothing about $(basename "$f")" >&2; exit 1; }
  errors=$(grep -c '^Error' <<< "$report" || true)
  echo "dciodvfy $(basename "$f"): $errors error(s)"
  [ "$errors" -eq 0 ] || { dciodvfy "$f" 2>&1 | grep '^Error' | head -n 10 >&2; exit 1; }
done

# What the node recorded: the job's timeline and the report, read from its own database while it runs.
echo "job timeline (stage, seconds after the first instance arrived):"
psql_node -F ' ' -c "select rpad(e.stage, 28), round(extract(epoch from e.at - s.first_received_at)::numeric, 1)
                     from job_events e join jobs j on j.id = e.job_ref join series s on s.id = j.series_ref
                     where e.stage not like 'phase:%' order by e.id" | sed 's/^/  /'
echo "pipeline phases (s):"
psql_node -F ' ' -c "select rpad(substr(stage, 7), 28), detail from job_events where stage like 'phase:%' order by id" | sed 's/^/  /'
report=$(find "$out/node/storage/results" -name report.json | head -n 1)
python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
names = [s.get("name", "?") for s in r["structures"]]
print(f"structures found: {len(names)} ({', '.join(names[:8])}{' ...' if len(names) > 8 else ''})")
PY
cp "$seg" "$out/pacs-seg.dcm"
echo "stopping the node"
kill -TERM "$node_pid"
status=0
wait "$node_pid" || status=$?
node_pid=""
if [ "$status" -ne 0 ]; then
  echo "the node did not stop cleanly (exit status $status):" >&2
  tail -n 30 "$out/node.log" >&2
  exit 1
fi
grep -a -q "Stopped the managed PostgreSQL cluster" "$out/node.log" && echo "node stopped; managed PostgreSQL stopped"
