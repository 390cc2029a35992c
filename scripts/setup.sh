#!/usr/bin/env bash
# Installs what ContinualSegment and its tests need on Debian 12 (run as root, or with sudo available).
# Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(
  postgresql          # the node's queue and store (managed or external cluster)
  dcmtk               # DICOM peer: storescu/storescp/echoscu/findscu/movescu/wlmscpfs/dcmqrscp, dcmdump, codecs
  dicom3tools         # dciodvfy: IOD validation of what we write
  plastimatch         # RTSTRUCT rasterisation, Dice
  dcm2niix            # geometry reference for series -> volume
  orthanc             # DICOM peer: a PACS as export destination, and the durable-ingest benchmark's reference
  python3-pydicom     # public DICOM test files, an independent reader, conformance/run.sh (JPEG 2000 copies)
  python3-numpy python3-pil   # pydicom's pixel handling (peer for the codec tests); Pillow's OpenJPEG for run.sh
  openssl             # independent signature peer for decoder packages
  patchelf g++        # the TorchSharp libstdc++ compatibility step (build/torch-compat)
  libcharls2          # JPEG-LS decoding (optional at run time)
  libopenjp2-7        # JPEG 2000 decoding (optional at run time)
  ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all Debian packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The services these packages bring (Orthanc's, PostgreSQL's main cluster) are not started by the installation: the
# node and the tests start their own. A policy the machine already has is left as it is.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$policy"
  made_policy=1
fi
trap 'if [ "$made_policy" = 1 ]; then "${sudo_cmd[@]}" rm -f "$policy"; fi' EXIT
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
