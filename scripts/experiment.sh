#!/usr/bin/env bash
# The method's claim on the phantom world: four ways to learn the four tasks (wholebody, chest, headneck, pathology)
# one after another, trained with the same budget per task and scored on the same held-out test subjects.
#   continual  general encoder + wholebody decoder, then one decoder per task on the frozen encoder, each decoder
#              trimmed by architecture search and distillation right after it is trained (the method)
#   untrimmed  the same without trimming: the teachers of the continual method's trimmed decoders
#   upper      four separate full models (encoder + decoder from scratch), one per dataset (the upper bound)
#   finetune   naive sequential fine-tuning: encoder and new decoder trained on each dataset in turn
#   lwf        learning without forgetting: as finetune, with the earlier decoders distilled on the new data
# Every sequential method starts from the same step-1 model (the base). After each step a snapshot of the
# model is kept and every task learnt so far is scored again (the forgetting curve): whole test volumes through
# `cseg segment` → DICOM-SEG → `cseg evaluate`.
#
# Training data are the default model's (scripts/train-default-model.sh: same seeds, sizes and schedule); the test
# subjects come from other seeds and are never seen in training, validation or search.
#
# Every step leaves a marker, every training run a checkpoint per epoch, so the same command with the same WORK
# continues where an interrupted run stopped (hours on two CPU cores).
#
# Usage: scripts/experiment.sh            (results: WORK/eval/<method>/step<k>/<task>/evaluation.json)
# Trimming: `cseg trim` searches and distils each task's decoder of the untrimmed model (the task's training dataset;
# the search ranks on some of its validation cases, the acceptance is decided on the others' whole volumes); the
# accepted student replaces the full decoder. The decoders are independent on the frozen encoder, so the continual model
# after step k is the trimmed model with the first k decoders. Each search's table goes to WORK/trim/<task>/table.md. The untrimmed model after step 4 is scored on every task as well (WORK/eval/untrimmed/).
# Inference time: the `timing` step runs `cseg bench methods` (the continual model after step 4 against the four upper
# models, one 512×512×300 phantom CT, one process) into WORK/timing/bench-methods.json.
# Body-part gating: the `gating` step trains the body-part regressor of a copy of the continual model after step 4 on
# the training datasets' images (labels set each decoder's range), scores the test subjects with `cseg bodypart
# evaluate` (Spearman rho) and runs `cseg bench gating` (partial fields of view, time saved) into WORK/gating/.
# Overlapping label sets: the `overlaps` step labels the pathology subjects' host organs too (`cseg phantom
# --host-organs`: the same seeds, so the same images), trains a decoder on lesions and organs together on a copy of the
# continual model (after the gating step: with its regressor; OVERLAPS_MODEL names another, e.g. models/default) with
# the pathology schedule, and segments the test subjects with the whole-body decoder alone, the new decoder alone and
# both merged: host organs (organ ∪ lesion) on the pathology subjects, the same organs on the healthy whole-body ones,
# into WORK/overlaps/<variant>/<task>/evaluation.json.
# Wall time: every finished step and each method's evaluation append "name<TAB>seconds" to WORK/durations.tsv.
# Report: cseg experiment report --work WORK --out DIR   (results.json, results.md and two SVG charts)
# Environment:
#   CSEG  how to run cseg (default: `cseg` on PATH)
#   WORK  working directory (default: /var/tmp/cseg-experiment)
#   STEPS which parts to run, in order (default: "data continual upper finetune lwf eval timing gating overlaps";
#         `continual` trains the untrimmed chain first)
#   TIMING_THREADS libtorch threads of the timing step (default 1)
#   METHODS which methods `eval` scores (default: "continual untrimmed finetune lwf upper")
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a cseg <<< "${CSEG:-cseg}"
if ! command -v "${cseg[0]}" > /dev/null; then
    echo "experiment: '${cseg[0]}' not found; build cseg and set CSEG" >&2
    exit 2
fi

work="${WORK:-/var/tmp/cseg-experiment}"
steps="${STEPS:-data continual upper finetune lwf eval timing gating overlaps}"
mkdir -p "$work/logs" "$work/done" "$work/ckpt" "$work/models"
plan="$repo/models/plans/default-cpu.json"
tasks=(wholebody chest headneck pathology)

# ---- the default model's recipe (scripts/train-default-model.sh) at a smaller budget: 24 whole-body cases, 70 epochs
# for the base, 60 per task (the default model: 48, 85 and 100) -----------------------------------------------------
phantom_size=96
phantom_slices=4
common=(--batch 2 --optimizer adamw --fg-fraction 0.67 --val-fraction 0.2 --no-augment --seed 12345 --lr 0.01)
declare -A cases=([wholebody]=24 [chest]=16 [headneck]=16 [pathology]=16)
declare -A seeds=([wholebody]=101 [chest]=202 [headneck]=303 [pathology]=404)
declare -A epochs=([wholebody]=70 [chest]=60 [headneck]=60 [pathology]=60)
declare -A iterations=([wholebody]=100 [chest]=50 [headneck]=50 [pathology]=50)
# trimming: longer distillations than `cseg trim`'s defaults (sized for tiny decoders): 500 steps per candidate, a
# task's own training budget (3,000 steps) per finalist, at the training's learning rate; many patches per case
trim_settings=(--search-steps 500 --steps 3000 --lr 0.01 --patches-per-case 16 --seed 12345)
# held-out test subjects: other seeds, whole volumes as DICOM series
test_cases=3
declare -A test_seeds=([wholebody]=9101 [chest]=9202 [headneck]=9303 [pathology]=9404)

start=$(date +%s)
stamp() { echo "[$(date -u +%H:%M:%S) +$(( $(date +%s) - start ))s] $*"; }
finished() { [[ -e "$work/done/$1" ]]; }
# mark NAME: the step is done; its wall time (since the previous mark of this process, or its start) goes to
# WORK/durations.tsv, which the report sums (a step resumed from a checkpoint counts from its resumption)
last_mark=$start
record() { printf '%s\t%s\n' "$1" "$2" >> "$work/durations.tsv"; }
mark() {
    local now
    now=$(date +%s)
    touch "$work/done/$1"
    record "$1" "$(( now - last_mark ))"
    last_mark=$now
}
# schedule TASK: the training schedule of a task
schedule() { echo "--epochs ${epochs[$1]} --iterations ${iterations[$1]}"; }
# checkpoint NAME: checkpoint arguments of a training run, with --resume once it holds one
checkpoint() {
    local dir="$work/ckpt/$1"
    mkdir -p "$dir"
    echo "--checkpoint $dir"
    if [[ -n "$(ls -A "$dir")" ]]; then echo "--resume"; fi
}
# snapshot FROM TO: a copy of a model directory
snapshot() { rm -rf "$2"; mkdir -p "$(dirname "$2")"; cp -r "$1" "$2"; }

run_data() {
    for task in "${tasks[@]}"; do
        if ! finished "data-$task"; then
            stamp "training data $task: ${cases[$task]} cases, seed ${seeds[$task]}"
            rm -rf "$work/data/$task"
            "${cseg[@]}" phantom --out "$work/data/$task" --task "$task" --cases "${cases[$task]}" --seed "${seeds[$task]}" \
                --size "$phantom_size" --slice-spacing "$phantom_slices" > "$work/logs/data-$task.log"
            mark "data-$task"
        fi
        if ! finished "test-$task"; then
            stamp "test subjects $task: $test_cases cases, seed ${test_seeds[$task]}"
            rm -rf "$work/test/$task"
            "${cseg[@]}" phantom --out "$work/test/$task" --task "$task" --cases "$test_cases" --seed "${test_seeds[$task]}" \
                --size "$phantom_size" --slice-spacing "$phantom_slices" --dicom > "$work/logs/test-$task.log"
            mark "test-$task"
        fi
    done
}

# step 1 (shared by the sequential methods): general encoder + wholebody decoder
run_base() {
    finished "step1" && return 0
    stamp "step 1: base on wholebody"
    rm -rf "$work/models/base"
    # shellcheck disable=SC2046 # schedule and checkpoint print separate words on purpose
    "${cseg[@]}" train base --dataset "$work/data/wholebody" --out "$work/models/base" --plan "$plan" --decoder-id wholebody \
        $(schedule wholebody) "${common[@]}" $(checkpoint base) >> "$work/logs/step1.log"
    mark "step1"
}

# run_sequential METHOD MODE: steps 2-4 from the step-1 model, a snapshot after each
run_sequential() {
    local method=$1 mode=$2 model="$work/models/$1/current"
    run_base
    if ! finished "$method-step1"; then
        snapshot "$work/models/base" "$work/models/$method/step1"
        snapshot "$work/models/base" "$model"
        mark "$method-step1"
    fi
    local k=1
    for task in chest headneck pathology; do
        k=$((k + 1))
        finished "$method-step$k" && continue
        stamp "$method step $k: $task (--mode $mode)"
        # A step cut short resumes from its checkpoint on the model as it was before the step.
        snapshot "$work/models/$method/step$((k - 1))" "$model"
        # shellcheck disable=SC2046
        "${cseg[@]}" train task --model "$model" --dataset "$work/data/$task" --decoder-id "$task" --mode "$mode" \
            $(schedule "$task") "${common[@]}" $(checkpoint "$method-$task") >> "$work/logs/$method-$task.log"
        snapshot "$model" "$work/models/$method/step$k"
        mark "$method-step$k"
    done
}

run_upper() {
    for task in "${tasks[@]}"; do
        finished "upper-$task" && continue
        if [[ "$task" == wholebody ]]; then
            # The full model on the first dataset is the step-1 model itself.
            run_base
            snapshot "$work/models/base" "$work/models/upper/$task"
        else
            stamp "upper bound: a full model on $task"
            rm -rf "$work/models/upper/$task"
            # shellcheck disable=SC2046
            "${cseg[@]}" train base --dataset "$work/data/$task" --out "$work/models/upper/$task" --plan "$plan" --decoder-id "$task" \
                $(schedule "$task") "${common[@]}" $(checkpoint "upper-$task") >> "$work/logs/upper-$task.log"
        fi
        mark "upper-$task"
    done
}

# run_trimmed: the continual method, each task's decoder trimmed (the untrimmed chain's decoder is the teacher). On the
# frozen encoder the decoders are independent, so each is trimmed once in the untrimmed model after step 4 and the
# continual model after step k keeps the first k of them (the others removed): what trimming after each step gives.
run_trimmed() {
    run_sequential untrimmed continual
    local model="$work/models/continual/trimmed" k=0 task later
    if ! finished continual-trimmed; then
        [[ -e "$model/plan.json" ]] || snapshot "$work/models/untrimmed/step4" "$model"
        for task in "${tasks[@]}"; do
            finished "trim-$task" && continue
            stamp "trim the $task decoder"
            mkdir -p "$work/trim/$task"
            # The search's journal (every evaluated candidate) lets a cut-off search resume where it stopped.
            "${cseg[@]}" trim --model "$model" --decoder "$task" --dataset "$work/data/$task" "${trim_settings[@]}" \
                --checkpoint "$work/ckpt/trim-$task" --table "$work/trim/$task/table.md" >> "$work/logs/trim-$task.log"
            mark "trim-$task"
        done
        mark continual-trimmed
    fi
    for task in "${tasks[@]}"; do
        k=$((k + 1))
        finished "continual-step$k" && continue
        snapshot "$model" "$work/models/continual/step$k.part"
        for later in "${tasks[@]:$k}"; do
            "${cseg[@]}" decoders remove "$later" --model "$work/models/continual/step$k.part" >> "$work/logs/trim.log"
        done
        rm -rf "$work/models/continual/step$k"
        mv "$work/models/continual/step$k.part" "$work/models/continual/step$k"
        mark "continual-step$k"
    done
}

# evaluate MODEL OUT TASK [TEST [SCORING...]]: the test subjects of TASK (or those in the folder TEST) through the
# model, scored for TASK (or as the `cseg evaluate` options SCORING say)
evaluate() {
    local model=$1 out=$2 task=$3 test="${4:-$work/test/$3}"
    local scoring=("${@:5}")
    [[ ${#scoring[@]} -gt 0 ]] || scoring=(--task "$task")
    [[ -e "$out/evaluation.json" ]] && return 0
    rm -rf "$out"
    mkdir -p "$out/pred"
    for case in "$test"/dicom/*/; do
        local id
        id=$(basename "$case")
        "${cseg[@]}" segment --input "$case" --out "$out/$id" --model "$model" > "$out/$id.log" 2>&1
        cp "$out/$id/seg.dcm" "$out/pred/$id.dcm"
    done
    "${cseg[@]}" evaluate --pred "$out/pred" --truth "$test/labelsTr" "${scoring[@]}" --series "$test/dicom" \
        --json "$out/evaluation.json.part" > /dev/null
    mv "$out/evaluation.json.part" "$out/evaluation.json"
    if [[ -e "$out/evaluation.json.part.md" ]]; then mv "$out/evaluation.json.part.md" "$out/evaluation.md"; fi
}

run_eval() {
    local sequential=() method
    for method in ${METHODS:-continual untrimmed finetune lwf upper}; do
        [[ "$method" != upper && "$method" != untrimmed ]] && sequential+=("$method")
    done
    local began
    for method in "${sequential[@]}"; do
        began=$(date +%s)
        for k in 1 2 3 4; do
            for ((t = 0; t < k; t++)); do
                stamp "evaluate $method step $k on ${tasks[$t]}"
                evaluate "$work/models/$method/step$k" "$work/eval/$method/step$k/${tasks[$t]}" "${tasks[$t]}"
            done
        done
        record "eval-$method" "$(( $(date +%s) - began ))"
    done
    last_mark=$(date +%s)
    # the untrimmed decoders after step 4 (for the trimming's Dice drop on the test subjects), the upper bound's models
    local per_task
    for per_task in untrimmed upper; do
        [[ " ${METHODS:-$per_task} " == *" $per_task "* ]] && evaluate_each_task "$per_task"
    done
    return 0
}

# evaluate_each_task METHOD: a method scored once per task (untrimmed: its model after step 4; upper: each task's own)
evaluate_each_task() {
    local method=$1 began task model
    began=$(date +%s)
    for task in "${tasks[@]}"; do
        model="$work/models/upper/$task"
        [[ "$method" == untrimmed ]] && model="$work/models/untrimmed/step4"
        stamp "evaluate $method on $task"
        evaluate "$model" "$work/eval/$method/$task" "$task"
    done
    record "eval-$method" "$(( $(date +%s) - began ))"
    last_mark=$(date +%s)
}

run_timing() {
    finished timing && return 0
    stamp "inference time: continual after step 4 against the four upper models"
    local separate=() task
    for task in "${tasks[@]}"; do
        separate+=(--separate "$work/models/upper/$task")
    done
    "${cseg[@]}" bench methods --model "$work/models/continual/step4" "${separate[@]}" --work "$work/timing" \
        --threads "${TIMING_THREADS:-1}" >> "$work/logs/timing.log"
    mark timing
}

run_gating() {
    finished gating && return 0
    stamp "body-part gating: regressor of the continual model, rho on the test subjects, partial fields of view"
    local model="$work/gating/model" task train=() test=()
    rm -rf "$model"
    mkdir -p "$work/gating"
    cp -r "$work/models/continual/step4" "$model"
    for task in "${tasks[@]}"; do
        train+=(--dataset "$work/data/$task")
        test+=(--dataset "$work/test/$task")
    done
    "${cseg[@]}" train bodypart --model "$model" --seed 12345 --epochs 600 "${train[@]}" >> "$work/logs/gating.log"
    "${cseg[@]}" bodypart evaluate --model "$model" "${test[@]}" --json "$work/gating/bodypart.json" >> "$work/logs/gating.log"
    "${cseg[@]}" bench gating --model "$model" --work "$work/gating" --threads "${TIMING_THREADS:-1}" --repeats 3 >> "$work/logs/gating.log"
    mark gating
}

# hosts_data DIR SEED CASES [--dicom]: pathology subjects with their lesions' host organs labelled too
hosts_data() {
    local dir=$1 seed=$2 n=$3
    rm -rf "$dir"
    "${cseg[@]}" phantom --out "$dir" --task pathology --host-organs --cases "$n" --seed "$seed" \
        --size "$phantom_size" --slice-spacing "$phantom_slices" "${@:4}" >> "$work/logs/overlaps.log"
}

run_overlaps() {
    finished overlaps && return 0
    local source="${OVERLAPS_MODEL:-$work/gating/model}" dir="$work/overlaps" variant id
    local trained="$dir/model" train="$work/data/pathology-hosts" test="$work/test/pathology-hosts"
    mkdir -p "$dir"
    if ! finished data-pathology-hosts; then
        stamp "pathology subjects with host organs: ${cases[pathology]} training cases, $test_cases test cases"
        hosts_data "$train" "${seeds[pathology]}" "${cases[pathology]}"
        hosts_data "$test" "${test_seeds[pathology]}" "$test_cases" --dicom
        mark data-pathology-hosts
    fi
    if ! finished overlaps-train; then
        stamp "a decoder of lesions and host organs on the frozen encoder of $source"
        snapshot "$source" "$trained"
        local range=()
        [[ -e "$trained/bodypart.bin" ]] && range=(--bodypart-model "$trained/bodypart.bin")
        # shellcheck disable=SC2046
        "${cseg[@]}" train task --model "$trained" --dataset "$train" --decoder-id pathology_hosts \
            $(schedule pathology) "${common[@]}" "${range[@]}" $(checkpoint overlaps) >> "$work/logs/overlaps.log"
        mark overlaps-train
    fi
    # Three ways to find a host organ: the whole-body decoder alone, the new decoder alone, both merged.
    declare -A keep=([wholebody]="wholebody" [hosts]="pathology_hosts" [merged]="wholebody pathology_hosts")
    for variant in wholebody hosts merged; do
        local model="$dir/$variant/model"
        if [[ ! -e "$model/plan.json" ]]; then
            snapshot "$trained" "$model.part"
            for id in $("${cseg[@]}" decoders list --model "$model.part" | awk 'NR > 1 { print $1 }'); do
                if [[ " ${keep[$variant]} " != *" $id "* ]]; then
                    "${cseg[@]}" decoders disable "$id" --model "$model.part" >> "$work/logs/overlaps.log"
                fi
            done
            mv "$model.part" "$model"
        fi
        stamp "overlaps: $variant on the pathology subjects"
        evaluate "$model" "$dir/$variant/pathology" pathology "$test" --labels "$test"
        if [[ "$variant" != hosts ]]; then
            stamp "overlaps: $variant on the healthy whole-body subjects"
            evaluate "$model" "$dir/$variant/wholebody" wholebody
        fi
    done
    mark overlaps
}

for step in $steps; do
    case "$step" in
        data) run_data ;;
        continual) run_trimmed ;;
        upper) run_upper ;;
        finetune) run_sequential finetune finetune ;;
        lwf) run_sequential lwf lwf ;;
        eval) run_eval ;;
        timing) run_timing ;;
        gating) run_gating ;;
        overlaps) run_overlaps ;;
        *) echo "experiment: unknown step '$step'" >&2; exit 2 ;;
    esac
done
stamp "done"
