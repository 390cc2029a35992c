#!/usr/bin/env bash
# Checks a running ContinualSegment node (`cseg serve`) against its conformance statement with dcmtk, from outside:
# the way a hospital checks its own installation. See conformance/README.md.
#
#   conformance/run.sh [options] HOST PORT AET
#
# Every step prints PASS or FAIL; a summary line follows; the exit status is 0 only when every step passed
# (2 for a usage error or a missing tool).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'EOF'
usage: conformance/run.sh [options] HOST PORT AET

  HOST PORT AET            the node's DICOM listener (Dicom:Port) and AE title (Dicom:AeTitle)

options:
  --aet AET                our calling AE title (default CSEG-CONF); when the node restricts callers
                           (Dicom:AllowedCallers) it must be listed there
  --rejected-aet AET       a calling AE title the node must reject (default CSEG-NOT-ALLOWED)
  --any-caller             the node accepts any caller (no Dicom:AllowedCallers): leave out that check
  --results-port PORT      port of the storescp this script starts to receive the results (default 11113)
  --results-aet AET        its AE title (default CSEG-RESULTS); the node must send there: a destination
                           Destinations:NAME { AeTitle: AET, Host: this machine, Port: PORT } used by its routing
  --results-timeout SEC    how long to wait for the SEG and RTSTRUCT (default 600)
  --no-results             do not wait for results (the node has no destination pointing here)
  --tls CA CERT KEY        the node listens with DICOM TLS (Dicom:Tls): CA = the CA that signed its certificate,
                           CERT/KEY = our client certificate and key (PEM), '-' '-' for none
  --series DIR             the CT series to send (default: a phantom made with `cseg phantom --dicom`)
  --cseg COMMAND           how to run cseg, e.g. "dotnet /opt/cseg/cseg.dll" (default: cseg on PATH)
  --size N                 the phantom's matrix size (default 64)
  --work DIR               keep the copies, logs and results in DIR (default: a temporary directory, removed)
  -h, --help               this text
EOF
}

die() { echo "run.sh: $*" >&2; exit 2; }

aet=CSEG-CONF
rejected_aet=CSEG-NOT-ALLOWED
any_caller=0
results_port=11113
results_aet=CSEG-RESULTS
results_timeout=600
want_results=1
tls=0
tls_ca='' tls_cert='' tls_key=''
series=''
cseg_cmd=''
size=64
work=''
positional=()

while [ $# -gt 0 ]; do
  case "$1" in
    --aet) aet=${2:?--aet needs a value}; shift 2 ;;
    --rejected-aet) rejected_aet=${2:?--rejected-aet needs a value}; shift 2 ;;
    --any-caller) any_caller=1; shift ;;
    --results-port) results_port=${2:?--results-port needs a value}; shift 2 ;;
    --results-aet) results_aet=${2:?--results-aet needs a value}; shift 2 ;;
    --results-timeout) results_timeout=${2:?--results-timeout needs a value}; shift 2 ;;
    --no-results) want_results=0; shift ;;
    --tls) [ $# -ge 4 ] || die "--tls needs CA CERT KEY"; tls=1; tls_ca=$2; tls_cert=$3; tls_key=$4; shift 4 ;;
    --series) series=${2:?--series needs a directory}; shift 2 ;;
    --cseg) cseg_cmd=${2:?--cseg needs a command}; shift 2 ;;
    --size) size=${2:?--size needs a value}; shift 2 ;;
    --work) work=${2:?--work needs a directory}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; positional+=("$@"); break ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) positional+=("$1"); shift ;;
  esac
done

[ ${#positional[@]} -eq 3 ] || { usage >&2; die "give HOST PORT AET"; }
host=${positional[0]} port=${positional[1]} called=${positional[2]}
case "$port" in ''|*[!0-9]*) die "PORT must be a number, not '$port'" ;; esac
case "$results_port" in ''|*[!0-9]*) die "--results-port must be a number" ;; esac
case "$results_timeout" in ''|*[!0-9]*) die "--results-timeout must be seconds" ;; esac

# The tools: dcmtk, dicom3tools (dciodvfy), and python3 with pydicom, numpy and Pillow for JPEG 2000
# (Debian 12: apt-get install dcmtk dicom3tools python3-pydicom python3-numpy python3-pil; scripts/setup.sh).
for tool in echoscu storescu storescp dcmconv dcmcrle dcmcjpeg dcmcjpls dcmodify dcmdump dciodvfy; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install dcmtk dicom3tools)"
done
python=''
for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$candidate" ] && "$candidate" -c 'import pydicom, numpy, PIL.Image' >/dev/null 2>&1; then python=$candidate; break; fi
done
[ -n "$python" ] || die "python3 with pydicom, numpy and Pillow not found (Debian: apt-get install python3-pydicom python3-numpy python3-pil)"
if [ $tls -eq 1 ]; then
  for f in "$tls_ca" "$tls_cert" "$tls_key"; do
    [ "$f" = - ] || [ -r "$f" ] || die "TLS file '$f' is not readable"
  done
  [ "$tls_ca" != - ] || die "--tls needs the CA file that signed the node's certificate"
fi

if [ -n "$work" ]; then
  mkdir -p "$work" || die "cannot create $work"
  keep=1
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/cseg-conformance.XXXXXX") || die "cannot create a work directory"
  keep=0
fi
work=$(cd "$work" && pwd)
receiver_pid=''
cleanup() {
  if [ -n "$receiver_pid" ]; then kill "$receiver_pid" 2>/dev/null; wait "$receiver_pid" 2>/dev/null; fi
  [ $keep -eq 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export TCP_NODELAY=${TCP_NODELAY:-1}
net=(-to 20 -ta 30 -td 120)
tls_args=()
if [ $tls -eq 1 ]; then
  if [ "$tls_cert" = - ]; then tls_args=(+tla); else tls_args=(+tls "$tls_key" "$tls_cert"); fi
  tls_args+=(+cf "$tls_ca")
fi

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS  $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1: $2"; }
# The last lines of a log, on one line, for a FAIL reason.
tail_of() { tail -n "${2:-3}" "$1" 2>/dev/null | tr -s '\n' ' ' | cut -c1-400; }

echo "conformance: node $called@$host:$port (TLS: $([ $tls -eq 1 ] && echo yes || echo no)), calling AE $aet, work $work"

# --- C-ECHO --------------------------------------------------------------------------------------------------------
log=$work/echo.log
if echoscu -v "${net[@]}" "${tls_args[@]}" -aet "$aet" -aec "$called" "$host" "$port" >"$log" 2>&1; then
  pass "C-ECHO"
else
  fail "C-ECHO" "$(tail_of "$log")"
fi

if [ $tls -eq 1 ]; then
  log=$work/plain-echo.log
  if echoscu -v -to 10 -ta 10 -aet "$aet" -aec "$called" "$host" "$port" >"$log" 2>&1; then
    fail "TLS: plain TCP association refused" "a C-ECHO without TLS succeeded on the TLS port"
  else
    pass "TLS: plain TCP association refused"
  fi
fi

# --- association rejections ---------------------------------------------------------------------------------------
log=$work/reject-called.log
if echoscu -v "${net[@]}" "${tls_args[@]}" -aet "$aet" -aec CSEG-UNKNOWN-AE "$host" "$port" >"$log" 2>&1; then
  fail "Reject unknown called AE" "the association to called AE CSEG-UNKNOWN-AE was accepted"
elif grep -q "Called AE Title Not Recognized" "$log"; then
  pass "Reject unknown called AE"
else
  fail "Reject unknown called AE" "not rejected with 'called AE title not recognised': $(tail_of "$log")"
fi

if [ $any_caller -eq 0 ]; then
  log=$work/reject-calling.log
  if echoscu -v "${net[@]}" "${tls_args[@]}" -aet "$rejected_aet" -aec "$called" "$host" "$port" >"$log" 2>&1; then
    fail "Reject disallowed calling AE" "calling AE $rejected_aet was accepted (list the allowed callers in Dicom:AllowedCallers, or pass --any-caller)"
  elif grep -q "Calling AE Title Not Recognized" "$log"; then
    pass "Reject disallowed calling AE"
  else
    fail "Reject disallowed calling AE" "not rejected with 'calling AE title not recognised': $(tail_of "$log")"
  fi
fi

# --- the series and its copies in every accepted transfer syntax --------------------------------------------------
if [ -z "$series" ]; then
  if [ -z "$cseg_cmd" ]; then
    command -v cseg >/dev/null 2>&1 || die "cseg not on PATH: give --cseg \"dotnet /path/cseg.dll\" or --series DIR"
    cseg_cmd=cseg
  fi
  log=$work/phantom.log
  # shellcheck disable=SC2086 # the command may be "dotnet path/cseg.dll"
  if $cseg_cmd phantom --out "$work/phantom" --task headneck --size "$size" --slice-spacing 5 --seed $((RANDOM + 1)) --dicom >"$log" 2>&1 \
    && series=$(find "$work/phantom/dicom" -mindepth 1 -maxdepth 1 -type d | head -n 1) && [ -n "$series" ]; then
    echo "conformance: phantom series $series ($(find "$series" -type f | wc -l) images)"
  else
    fail "Make the phantom series" "$(tail_of "$log")"
    series=''
  fi
fi
[ -z "$series" ] || [ -d "$series" ] || die "--series $series is not a directory"

# name|UID|how the copy is made (from the series; "unsigned" = from the unsigned copy)
syntaxes=(
  "JPEG Baseline (Process 1)|1.2.840.10008.1.2.4.50|dcmcjpeg +eb"
  "JPEG Extended (Process 2 & 4)|1.2.840.10008.1.2.4.51|dcmcjpeg +ee"
  "JPEG-LS Near-Lossless|1.2.840.10008.1.2.4.81|unsigned dcmcjpls +en"
  "JPEG 2000|1.2.840.10008.1.2.4.91|python j2k"
  "JPEG 2000 Lossless|1.2.840.10008.1.2.4.90|python j2k-lossless"
  "JPEG-LS Lossless|1.2.840.10008.1.2.4.80|dcmcjpls +el"
  "JPEG Lossless (Process 14)|1.2.840.10008.1.2.4.57|dcmcjpeg +el"
  "JPEG Lossless SV1|1.2.840.10008.1.2.4.70|dcmcjpeg +e1"
  "RLE Lossless|1.2.840.10008.1.2.5|dcmcrle"
  "Deflated Explicit VR Little Endian|1.2.840.10008.1.2.1.99|dcmconv +td"
  "Explicit VR Big Endian|1.2.840.10008.1.2.2|dcmconv +tb"
  "Implicit VR Little Endian|1.2.840.10008.1.2|dcmconv +ti"
  "Explicit VR Little Endian|1.2.840.10008.1.2.1|dcmconv +te"
)

# storescu proposes exactly one transfer syntax per run, from this association configuration.
config=$work/storescu.cfg
{
  echo "[[TransferSyntaxes]]"
  for i in "${!syntaxes[@]}"; do IFS='|' read -r _ uid _ <<<"${syntaxes[$i]}"; printf '[TS%d]\nTransferSyntax1 = %s\n' "$i" "$uid"; done
  echo "[TSEXPLICIT]"; echo "TransferSyntax1 = 1.2.840.10008.1.2.1"
  echo "[[PresentationContexts]]"
  for i in "${!syntaxes[@]}"; do
    printf '[PC%d]\nPresentationContext1 = 1.2.840.10008.5.1.4.1.1.2\\TS%d\nPresentationContext2 = 1.2.840.10008.5.1.4.1.1.2.1\\TS%d\n' "$i" "$i" "$i"
  done
  # A SOP class the node does not accept: Nuclear Medicine Image Storage (retired).
  printf '[PCUNSUPPORTED]\nPresentationContext1 = 1.2.840.10008.5.1.4.1.1.5\\TSEXPLICIT\n'
  echo "[[Profiles]]"
  for i in "${!syntaxes[@]}"; do printf '[P%d]\nPresentationContexts = PC%d\n' "$i" "$i"; done
  printf '[PUNSUPPORTED]\nPresentationContexts = PCUNSUPPORTED\n'
} >"$config"

# Sends the files of a directory with one proposed context; every instance must be answered with success.
store_dir() { # profile dir log
  local files successes
  files=$(find "$2" -type f | wc -l)
  storescu -v "${net[@]}" "${tls_args[@]}" -aet "$aet" -aec "$called" -xf "$config" "$1" "$host" "$port" +sd "$2" >"$3" 2>&1
  local code=$?
  successes=$(grep -c "Received Store Response (Success)" "$3")
  if [ $code -ne 0 ] || [ "$successes" -ne "$files" ]; then
    echo "storescu exit $code, $successes of $files stored: $(tail_of "$3")"
    return 1
  fi
}

if [ -n "$series" ]; then
  # The unsupported SOP class: one image relabelled as NM Image Storage (retired), proposed as such.
  mkdir -p "$work/unsupported"
  odd=$work/unsupported/odd.dcm
  log=$work/unsupported.log
  cp "$(find "$series" -type f | head -n 1)" "$odd"
  if ! dcmodify -nb -m "(0008,0016)=1.2.840.10008.5.1.4.1.1.5" "$odd" >"$log" 2>&1; then
    fail "Refuse unsupported SOP class" "dcmodify: $(tail_of "$log")"
  elif storescu -v "${net[@]}" "${tls_args[@]}" -aet "$aet" -aec "$called" -xf "$config" PUNSUPPORTED "$host" "$port" "$odd" >"$log" 2>&1; then
    fail "Refuse unsupported SOP class" "NM Image Storage (retired) was accepted and stored"
  elif grep -q -e "No Acceptable Presentation Contexts" -e "No presentation context" "$log"; then
    pass "Refuse unsupported SOP class"
  else
    fail "Refuse unsupported SOP class" "failed for another reason than a refused presentation context: $(tail_of "$log")"
  fi

  # Copies first, so that the stores follow each other within the node's quiet period.
  echo "conformance: making the copies in ${#syntaxes[@]} transfer syntaxes"
  made=()
  log=$work/unsigned.log
  "$python" "$here/reencode.py" unsigned "$series" "$work/copies/unsigned" >"$log" 2>&1 || echo "conformance: unsigned copy failed: $(tail_of "$log")"
  for i in "${!syntaxes[@]}"; do
    IFS='|' read -r name uid how <<<"${syntaxes[$i]}"
    out=$work/copies/$i
    log=$work/copy-$i.log
    mkdir -p "$out"
    ok=1
    case "$how" in
      python\ *)
        "$python" "$here/reencode.py" "${how#python }" "$series" "$out" >"$log" 2>&1 || ok=0 ;;
      *)
        source_dir=$series
        read -r -a tool <<<"$how"
        if [ "${tool[0]}" = unsigned ]; then source_dir=$work/copies/unsigned; tool=("${tool[@]:1}"); fi
        for f in "$source_dir"/*; do
          [ -f "$f" ] || continue
          "${tool[@]}" "$f" "$out/$(basename "$f")" >>"$log" 2>&1 || { ok=0; break; }
        done ;;
    esac
    if [ $ok -eq 1 ] && [ -n "$(ls -A "$out")" ] && dcmdump -Un +P 0002,0010 "$(find "$out" -type f | head -n 1)" 2>/dev/null | grep -qF "[$uid]"; then
      made[i]=1
    else
      made[i]=0
      echo "conformance: copy in $name failed: $(tail_of "$log")" >>"$work/copy-failures.log"
    fi
  done

  # The results receiver listens before the first image goes out.
  if [ $want_results -eq 1 ]; then
    # Only what this run receives counts: results of an earlier run in a reused --work must not pass for it.
    rm -rf "$work/results"
    mkdir -p "$work/results"
    storescp -v -aet "$results_aet" -od "$work/results" "$results_port" >"$work/results.log" 2>&1 &
    receiver_pid=$!
    sleep 1
    if ! kill -0 "$receiver_pid" 2>/dev/null; then
      fail "Results receiver (storescp on port $results_port)" "$(tail_of "$work/results.log")"
      receiver_pid=''
      want_results=0
    fi
  fi

  for i in "${!syntaxes[@]}"; do
    IFS='|' read -r name uid how <<<"${syntaxes[$i]}"
    step="C-STORE $name ($uid)"
    if [ "${made[i]}" -ne 1 ]; then
      fail "$step" "could not make the copy: $(grep -F "$name" "$work/copy-failures.log" | tail -n 1)"
    elif reason=$(store_dir "P$i" "$work/copies/$i" "$work/store-$i.log"); then
      pass "$step"
    else
      fail "$step" "$reason"
    fi
  done
else
  for i in "${!syntaxes[@]}"; do IFS='|' read -r name uid _ <<<"${syntaxes[$i]}"; fail "C-STORE $name ($uid)" "no series"; done
  want_results=0
fi

# --- results: SEG and RTSTRUCT of the series' study, each valid for dciodvfy --------------------------------------
if [ $want_results -eq 1 ]; then
  study=$(dcmdump -Un +P 0020,000d "$(find "$series" -type f | head -n 1)" 2>/dev/null | sed -n 's/.*\[\(.*\)\].*/\1/p' | head -n 1)
  seg_class=1.2.840.10008.5.1.4.1.1.66.4
  rt_class=1.2.840.10008.5.1.4.1.1.481.3
  find_result() { # SOP class -> first received file of the study with it
    local f
    for f in "$work/results"/*; do
      [ -f "$f" ] || continue
      if dcmdump -Un +P 0008,0016 "$f" 2>/dev/null | grep -qF "[$1]" \
        && dcmdump -Un +P 0020,000d "$f" 2>/dev/null | grep -qF "[$study]"; then
        echo "$f"
        return 0
      fi
    done
    return 1
  }
  echo "conformance: waiting up to $results_timeout s for the SEG and RTSTRUCT at $results_aet (port $results_port)"
  deadline=$((SECONDS + results_timeout))
  seg='' rt=''
  while [ $SECONDS -lt $deadline ]; do
    [ -n "$seg" ] || seg=$(find_result $seg_class) || seg=''
    [ -n "$rt" ] || rt=$(find_result $rt_class) || rt=''
    [ -n "$seg" ] && [ -n "$rt" ] && break
    sleep 2
  done
  sleep 1 # the association that brought the last one is released
  for kind in SEG RTSTRUCT; do
    if [ $kind = SEG ]; then file=$seg; else file=$rt; fi
    if [ -z "$file" ]; then
      fail "Result $kind received" "none for study $study within $results_timeout s (is a destination $results_aet@this-host:$results_port configured and routed?)"
      fail "Result $kind valid (dciodvfy)" "not received"
      continue
    fi
    pass "Result $kind received"
    log=$work/dciodvfy-$kind.log
    dciodvfy "$file" >"$log" 2>&1
    status=$?
    errors=$(grep -c '^Error' "$log")
    if [ $status -ge 126 ] || [ ! -s "$log" ]; then
      # Not run, or crashed: no output is not the same as no errors.
      fail "Result $kind valid (dciodvfy)" "dciodvfy did not check the file (exit status $status): $(tail_of "$log")"
    elif [ "$errors" -eq 0 ]; then
      pass "Result $kind valid (dciodvfy)"
    else
      fail "Result $kind valid (dciodvfy)" "$errors error(s): $(grep '^Error' "$log" | head -n 3 | tr '\n' ' ')"
    fi
  done
fi

echo "conformance: $passed passed, $failed failed"
[ $failed -eq 0 ]
