#!/usr/bin/env bash
# Trains the default model package (models/default) from the procedural phantom only:
#   1. phantom datasets for the four tasks (fixed seeds),
#   2. `cseg train base` on wholebody (general encoder + wholebody decoder),
#   3. `cseg train task` for chest, headneck and pathology on the frozen encoder,
#   4. body-part regressor (cseg train bodypart) and each decoder's body-part range,
#   5. each decoder trimmed (cseg trim: architecture search and distillation, kept within 2 % of its Dice),
#   6. copy to the output directory.
# The result is a model directory (plan.json, encoder.bin, decoders/<id>.bin) that `cseg segment`
# loads by default. Training takes about 3 hours on one libtorch thread (OMP_NUM_THREADS=1), trimming about as long.
# Every training step keeps a checkpoint per epoch under WORK/ckpt and every finished step a marker,
# so the same command with the same WORK continues where an interrupted run stopped.
#
# Usage: scripts/train-default-model.sh [OUT_DIR]        (default: models/default)
# Environment:
#   CSEG   how to run cseg (default: `cseg` on PATH), e.g.
#          CSEG="dotnet .scratch/model/art/bin/ContinualSegment.Cli/release/cseg.dll"
#   WORK   scratch directory for datasets, logs and the model under training (default: a mktemp dir)
#   KEEP_WORK=1 keeps WORK afterwards.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/models/default}"
read -r -a cseg <<< "${CSEG:-cseg}"
if ! command -v "${cseg[0]}" > /dev/null; then
    echo "train-default-model: '${cseg[0]}' not found; build cseg and set CSEG" >&2
    exit 2
fi

work="${WORK:-$(mktemp -d)}"
mkdir -p "$work/logs"
if [[ "${KEEP_WORK:-0}" != 1 && -z "${WORK:-}" ]]; then
    trap 'rm -rf "$work"' EXIT
fi

plan="$repo/models/plans/default-cpu.json"   # 8 mm isotropic, 24x32x32 patches, widths 8-64
model="$work/model"
mkdir -p "$work/ckpt" "$work/done"

# ---- fixed settings (the README quotes them) --------------------------------------------------
phantom_size=96          # in-plane matrix of the phantom (the plan resamples to 6 mm anyway)
phantom_slices=4         # slice spacing in mm
# Short runs learn faster without augmentation; validation patches are never augmented.
common=(--batch 2 --optimizer adamw --fg-fraction 0.67 --val-fraction 0.2 --no-augment)
declare -A cases=([wholebody]=48 [chest]=16 [headneck]=16 [pathology]=16)
declare -A seeds=([wholebody]=101 [chest]=202 [headneck]=303 [pathology]=404)
declare -A epochs=([wholebody]=85 [chest]=100 [headneck]=100 [pathology]=100)
declare -A iterations=([wholebody]=100 [chest]=50 [headneck]=50 [pathology]=50)
declare -A lr=([wholebody]=0.01 [chest]=0.01 [headneck]=0.01 [pathology]=0.01)
train_seed=12345

start=$(date +%s)
stamp() { echo "[$(date -u +%H:%M:%S) +$(( $(date +%s) - start ))s] $*"; }
# resume_args STEP: checkpoint directory of a training step, with --resume once it holds one.
resume_args() {
    local dir="$work/ckpt/$1"
    echo "--checkpoint $dir"
    if [[ -n "$(ls -A "$dir" 2> /dev/null)" ]]; then echo "--resume"; fi
}
finished() { [[ -e "$work/done/$1" ]]; }
mark() { touch "$work/done/$1"; }

# ---- 1. phantom datasets -----------------------------------------------------------------------
for task in wholebody chest headneck pathology; do
    finished "phantom-$task" && continue
    stamp "phantom $task: ${cases[$task]} cases, seed ${seeds[$task]}"
    rm -rf "$work/data/$task"
    "${cseg[@]}" phantom --out "$work/data/$task" --task "$task" --cases "${cases[$task]}" \
        --seed "${seeds[$task]}" --size "$phantom_size" --slice-spacing "$phantom_slices" \
        | tee "$work/logs/phantom-$task.log"
    mark "phantom-$task"
done

# ---- 2. general encoder + wholebody decoder -----------------------------------------------------
task=wholebody
if ! finished "train-$task"; then
    stamp "train base on $task: ${epochs[$task]} epochs x ${iterations[$task]} steps"
    # shellcheck disable=SC2046 # resume_args prints separate words on purpose
    "${cseg[@]}" train base --dataset "$work/data/$task" --out "$model" --plan "$plan" --decoder-id "$task" \
        --epochs "${epochs[$task]}" --iterations "${iterations[$task]}" --lr "${lr[$task]}" --seed "$train_seed" \
        "${common[@]}" $(resume_args "$task") | tee -a "$work/logs/train-$task.log"
    mark "train-$task"
fi

# ---- 3. continual steps on the frozen encoder ---------------------------------------------------
for task in chest headneck pathology; do
    finished "train-$task" && continue
    stamp "train task $task: ${epochs[$task]} epochs x ${iterations[$task]} steps"
    # shellcheck disable=SC2046
    "${cseg[@]}" train task --model "$model" --dataset "$work/data/$task" --decoder-id "$task" \
        --epochs "${epochs[$task]}" --iterations "${iterations[$task]}" --lr "${lr[$task]}" --seed "$train_seed" \
        "${common[@]}" $(resume_args "$task") | tee -a "$work/logs/train-$task.log"
    mark "train-$task"
done

# ---- 4. body-part regression ------------------------------------------------------------------
if ! finished bodypart; then
    stamp "train bodypart on the four datasets"
    "${cseg[@]}" train bodypart --model "$model" --seed "$train_seed" --epochs 600 \
        --dataset "$work/data/wholebody" --dataset "$work/data/chest" \
        --dataset "$work/data/headneck" --dataset "$work/data/pathology" | tee "$work/logs/train-bodypart.log"
    mark bodypart
fi

# ---- 5. trimming ------------------------------------------------------------------------------
# Students start from slices of their teacher; 500 distillation steps rank a candidate, a task's training budget
# (5,000 steps) makes a finalist. A decoder no student matches within 2 % stays full. Each search's table is kept.
trim_settings=(--search-steps 500 --steps 5000 --lr 0.01 --patches-per-case 16 --seed "$train_seed")
for task in wholebody chest headneck pathology; do
    finished "trim-$task" && continue
    stamp "trim the $task decoder"
    # The search's journal (every evaluated candidate) lets a cut-off search resume where it stopped.
    "${cseg[@]}" trim --model "$model" --decoder "$task" --dataset "$work/data/$task" "${trim_settings[@]}" \
        --checkpoint "$work/ckpt/trim-$task" --table "$work/logs/trim-$task.md" | tee "$work/logs/trim-$task.log"
    mark "trim-$task"
done

# ---- 6. install ---------------------------------------------------------------------------------
stamp "copy the model to $out"
mkdir -p "$out/decoders"
cp "$model/plan.json" "$model/encoder.bin" "$model/bodypart.bin" "$out/"
rm -f "$out"/decoders/*.bin "$out"/decoders/*.record.json
# the weights and each decoder's record (provenance and training metrics: `cseg decoders export` needs it)
cp "$model"/decoders/*.bin "$model"/decoders/*.record.json "$out/decoders/"

stamp "final validation Dice (last epoch) per decoder:"
for task in wholebody chest headneck pathology; do
    line=$(grep -E '^epoch ' "$work/logs/train-$task.log" | tail -n 1)
    echo "  $task: $line"
done
du -sh "$out"
stamp "done"
