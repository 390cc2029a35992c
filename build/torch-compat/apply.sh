#!/usr/bin/env bash
# Makes libLibTorchSharp.so load on a system whose libstdc++ predates GLIBCXX_3.4.32 (GCC 13).
# The library needs that version for one symbol only, std::ios_base_library_init(). The remedy:
#   1. clear that symbol's version requirement            (patchelf --clear-symbol-version)
#   2. add a tiny library that defines it as DT_NEEDED      (libcseg_stdcxx_compat.so, built here)
#   3. mark the GLIBCXX_3.4.32 version need weak            (VER_FLG_WEAK in .gnu.version_r)
# Runs only where the system libstdc++ lacks the version; idempotent; caches the patched copy.
# Usage: apply.sh NATIVE_DIR [CACHE_DIR]
set -euo pipefail

dir=${1:?usage: apply.sh NATIVE_DIR [CACHE_DIR]}
cache=${2:-$dir/.torch-compat}
here=$(cd "$(dirname "$0")" && pwd)
lib=$dir/libLibTorchSharp.so
shim_name=libcseg_stdcxx_compat.so
need=GLIBCXX_3.4.32

if [ ! -f "$lib" ]; then
  exit 0
fi

stdcxx=""
for candidate in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libstdc++.so.6 \
                 /usr/lib64/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6; do
  if [ -f "$candidate" ]; then stdcxx=$candidate; break; fi
done
if [ -z "$stdcxx" ]; then
  echo "torch-compat: error: no system libstdc++.so.6 found" >&2
  exit 1
fi
if grep -qa "$need" "$stdcxx"; then
  # The system library is new enough: nothing to do.
  exit 0
fi
if ! grep -qa "$need" "$lib"; then
  # This build of LibTorchSharp does not need the newer version.
  exit 0
fi
if grep -qa "$shim_name" "$lib" && [ -f "$dir/$shim_name" ]; then
  # Already applied.
  exit 0
fi

source_sum=$(sha256sum "$lib" | cut -d' ' -f1)
mkdir -p "$cache"
if [ ! -f "$cache/stamp" ] || [ "$(cat "$cache/stamp")" != "$source_sum" ] \
   || [ ! -f "$cache/libLibTorchSharp.so" ] || [ ! -f "$cache/$shim_name" ]; then
  for tool in patchelf g++ gcc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "torch-compat: error: '$tool' is needed to make libLibTorchSharp.so load with this libstdc++ ($stdcxx lacks $need); install it (apt-get install patchelf g++)" >&2
      exit 1
    fi
  done
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  g++ -shared -fPIC -O2 -o "$work/$shim_name" "$here/stdcxx_compat.cpp"
  gcc -O2 -o "$work/elf_weak_version" "$here/elf_weak_version.c"
  cp "$lib" "$work/libLibTorchSharp.so"
  patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$work/libLibTorchSharp.so"
  patchelf --add-needed "$shim_name" "$work/libLibTorchSharp.so"
  "$work/elf_weak_version" "$work/libLibTorchSharp.so" "$need"
  cp "$work/libLibTorchSharp.so" "$work/$shim_name" "$cache/"
  echo "$source_sum" > "$cache/stamp"
  echo "torch-compat: patched libLibTorchSharp.so for $stdcxx (lacks $need)"
fi
cp "$cache/$shim_name" "$dir/$shim_name"
cp "$cache/libLibTorchSharp.so" "$lib.tmp"
mv -f "$lib.tmp" "$lib"
