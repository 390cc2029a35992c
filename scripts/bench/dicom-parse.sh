#!/usr/bin/env bash
# DICOM parse benchmark (and, with --codecs or --all, the RLE / JPEG Lossless codec benchmark) against dcmtk.
# Builds tests/ContinualSegment.Benchmarks in Release, generates the CT test series once (cached in
# $CSEG_BENCH_DATA, default $TMPDIR/cseg-bench-data), runs BenchmarkDotNet with dcmtk as the peer in the
# same run, writes the reports under the artifacts folder and prints the ratios (peer time / our time).
#
# Usage: scripts/bench/dicom-parse.sh [--codecs|--all|--filter GLOB] [--artifacts DIR] [extra BenchmarkDotNet arguments]
# Needs: .NET SDK (global.json) and dcmtk (scripts/setup.sh installs it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
project="$root/tests/ContinualSegment.Benchmarks/ContinualSegment.Benchmarks.csproj"
artifacts="$root/artifacts/bench/dicom-parse"
filter='*DicomParseBenchmarks*'
extra=()

while [ $# -gt 0 ]; do
  case "$1" in
    --codecs) filter='*CodecBenchmarks*'; shift ;;
    --all) filter='*'; shift ;;
    --artifacts) artifacts="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done

for tool in dcmdump dcmcrle dcmdrle dcmcjpeg dcmdjpeg; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "dicom-parse: $tool (dcmtk) is missing; run scripts/setup.sh" >&2
    exit 1
  fi
done

mkdir -p "$artifacts"
# Build into the artifacts folder, not the project's bin/obj (several checkouts or jobs may build at once).
dotnet build "$project" -c Release -nologo -v quiet --artifacts-path "$artifacts/build"
out="$artifacts/build/bin/ContinualSegment.Benchmarks/release/ContinualSegment.Benchmarks.dll"

dotnet "$out" generate
set +e
dotnet "$out" --filter "$filter" --artifacts "$artifacts" "${extra[@]}" | tee "$artifacts/console.log"
status=${PIPESTATUS[0]}
set -e

echo
echo "Reports: $artifacts/results"
exit "$status"
