#!/usr/bin/env bash
# The test command: installs what the tests need, starts a private PostgreSQL, runs every test project,
# stops the cluster, and ends with the line "N passed, N failed" (exit non-zero on any failure or skip).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
pg_private_start || { echo "0 passed, 1 failed"; exit 1; }
trap pg_private_stop EXIT

export TCP_NODELAY=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=$(mktemp -d /tmp/cseg-test-results.XXXXXX)

dotnet build ContinualSegment.sln -c Release -nologo -v q 2>&1 | tail -n 30
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  echo "test: build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# Every peer the interoperability tests use must be present: a missing one is a failure, not a skip.
dotnet src/ContinualSegment.Cli/bin/Release/net10.0/cseg.dll doctor --require-peers || test_doctor_failed=1

# One run per test project, each with its own result file, so the counts below are exact.
test_rc=0
mapfile -t projects < <(dotnet sln ContinualSegment.sln list | grep -E '\.Tests\.csproj$' | sort)
if [ ${#projects[@]} -eq 0 ]; then
  echo "test: no test project in ContinualSegment.sln"
  echo "0 passed, 1 failed"
  exit 1
fi
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 15m \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    -- RunConfiguration.TreatNoTestsAsError=true || test_rc=$?
  if [ ! -f "$results/$name.trx" ]; then
    echo "test: $name produced no results"
    missing_results=$(( ${missing_results:-0} + 1 ))
  fi
done

passed=0; failed=${missing_results:-0}; skipped=0; total=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(( total + $(get total) ))
  passed=$(( passed + $(get passed) ))
  failed=$(( failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted) ))
  skipped=$(( skipped + $(get notExecuted) ))
done
rm -rf "$results"

if [ "${test_doctor_failed:-0}" -ne 0 ]; then
  echo "test: cseg doctor --require-peers failed"
  failed=$(( failed + 1 ))
fi
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test: dotnet test exited $test_rc"
  failed=1
fi
if [ "$skipped" -ne 0 ]; then
  echo "test: $skipped test(s) were skipped; no test may be skipped"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$passed" -gt 0 ]
