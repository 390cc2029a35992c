#!/usr/bin/env bash
# The main job on its default configuration, from a fresh clone on Debian 12 with the .NET 10 SDK:
# installs what is needed, builds, checks the machine (cseg doctor) and runs what the node can do today.
# It grows with the product; see the status table in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/ContinualSegment.Cli -c Release -nologo -v q
cseg=(dotnet src/ContinualSegment.Cli/bin/Release/net10.0/cseg.dll)

echo "== cseg doctor"
"${cseg[@]}" doctor

out=${CSEG_DEMO_OUT:-.cseg/demo}
mkdir -p "$out"
echo "== demo output in $out"
for step in scripts/demo.d/*.sh; do
  [ -f "$step" ] || continue
  echo "== $(basename "$step" .sh)"
  bash "$step" "$out" "${cseg[@]}"
done
echo "== done"
