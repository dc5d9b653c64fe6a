#!/usr/bin/env bash
# Offline ShiQ on logged BFCL sessions, end to end on one machine:
#   a small random model with the Qwen vocabulary -> bfcl eval (before) -> embedded Kafka -> ground-truth sessions and
#   perturbed (failed) sessions imported to trajectories.history -> replay buffer on history only -> learner
#   -> model export -> bfcl eval (after).
# It measures fitting the logged sessions of the same records, not generalisation (see README, "Show it learns"):
# bfcl eval (whole sessions right) and bfcl fit (teacher-forced log-probability of the expert sessions' tokens).
#
#   examples/bfcl-offline.sh                       # defaults below; override with environment variables
#   STEPS=300 CATEGORY=base examples/bfcl-offline.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHIQ="${SHIQ:-$ROOT/shiq}"
DATA="${SHIQ_DATA:-$ROOT/../shared/data}"
RUN="${RUN:-$ROOT/runs/bfcl-offline}"
STEPS="${STEPS:-60}"             # learner steps
BATCH="${BATCH:-4}"              # trajectories per training batch
LR="${LR:-3e-3}"
BETA="${BETA:-0.05}"
LIMIT="${LIMIT:-0}"              # records evaluated (0: all)
CATEGORY="${CATEGORY:-base}"     # one BFCL category ("" for all 64 records: slow on 2 cores)
MAX_TOKENS="${MAX_TOKENS:-96}"   # tokens per model step in eval
PORT="${PORT:-19092}"
REGISTRY_PORT="${REGISTRY_PORT:-18081}"
NOW=2024-09-01T10:30:00
KAFKA="--bootstrap-servers localhost:$PORT --schema-registry-url http://localhost:$REGISTRY_PORT"
CAT=(); [[ -n "$CATEGORY" ]] && CAT=(--category "$CATEGORY")

mkdir -p "$RUN"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

stamp() { date +%s; }
t0=$(stamp)
[[ -d "$RUN/model0" ]] || "$SHIQ" model init --shape qwen2 --layers 2 --dim 64 --hidden 192 --heads 4 --kv-heads 2 \
  --seq-len 16384 --tokenizer "$DATA/qwen3-tokenizer" --out "$RUN/model0"

echo "== eval before training"
# Finished phases are kept: a rerun (say with other training settings) starts at the training.
done_json() { [[ -f "$1" ]] && tail -1 "$1" | grep -q '^{"bfcl"'; }
done_json "$RUN/eval-before.log" || "$SHIQ" bfcl eval --model "$RUN/model0" --data "$DATA/bfcl" "${CAT[@]}" --limit "$LIMIT" --now "$NOW" \
  --max-tokens "$MAX_TOKENS" --out "$RUN/eval-before" | tee "$RUN/eval-before.log"
done_json "$RUN/fit-before.log" || "$SHIQ" bfcl fit --model "$RUN/model0" --data "$DATA/bfcl" "${CAT[@]}" \
  --now "$NOW" | tee "$RUN/fit-before.log"
t1=$(stamp)

echo "== embedded Kafka on :$PORT, registry on :$REGISTRY_PORT"
rm -rf "$RUN/kafka"
"$SHIQ" kafka --port "$PORT" --registry-port "$REGISTRY_PORT" --data-dir "$RUN/kafka" > "$RUN/kafka.log" 2>&1 &
pids+=($!)
until grep -q "Running; press Ctrl-C" "$RUN/kafka.log"; do sleep 1; done

echo "== logged sessions: ground truth + perturbed failures"
"$SHIQ" bfcl perturb --data "$DATA/bfcl" "${CAT[@]}" --out "$RUN/perturbed.jsonl" --now "$NOW"
"$SHIQ" bfcl import --data "$DATA/bfcl" "${CAT[@]}" --results "$RUN/perturbed.jsonl" --ground-truth \
  --model "$RUN/model0" --now "$NOW" $KAFKA | tee "$RUN/import.log"
imported=$(tail -1 "$RUN/import.log" | sed 's/.*"imported":\([0-9]*\).*/\1/')
# Offline, the rate limiter sets the number of epochs: STEPS x BATCH samples over the imported trajectories. It
# counts per partition, and batches leave as records come in: a minimum table size near each partition's share
# keeps the first batches from drawing on the first few trajectories only.
spi=$(( (STEPS * BATCH + imported - 1) / imported + 1 ))
partitions=$(grep -E '^ +[^ ]*trajectories\.history +[0-9]+ partition' "$RUN/kafka.log" | awk '{print $2}')
min_size=$(( imported * 2 / (3 * ${partitions:-3}) )); (( min_size >= 1 )) || min_size=1
echo "replay: samples per insert $spi, minimum table size $min_size per partition ($partitions partitions)"

echo "== replay buffer (history only) and learner, $STEPS steps"
rm -rf "$RUN/learner" "$RUN/replay-state"
"$SHIQ" replay $KAFKA --set application.id=shiq-replay-offline --set replay.fresh.fraction=0 \
  --set replay.batch.size="$BATCH" --set replay.min.size="$min_size" --set replay.samples.per.insert="$spi" \
  --set replay.samples.per.insert.tolerance=0 --set replay.max.times.sampled=100000 \
  --set state.dir="$RUN/replay-state" > "$RUN/replay.log" 2>&1 &
pids+=($!)
"$SHIQ" learner $KAFKA --env bfcl --model "$RUN/model0" --checkpoint-dir "$RUN/learner" --max-steps "$STEPS" \
  --lr "$LR" --beta "$BETA" --warmup-steps 5 --micro-batch 2 --checkpoint-every 10 --log-every 1 \
  | tee "$RUN/learner.log"
t2=$(stamp)

echo "== export and eval after training"
rm -rf "$RUN/model-trained"
"$SHIQ" model export --checkpoint "$RUN/learner" --tokenizer "$RUN/model0" --out "$RUN/model-trained"
"$SHIQ" bfcl eval --model "$RUN/model-trained" --data "$DATA/bfcl" "${CAT[@]}" --limit "$LIMIT" --now "$NOW" \
  --max-tokens "$MAX_TOKENS" --out "$RUN/eval-after" | tee "$RUN/eval-after.log"
"$SHIQ" bfcl fit --model "$RUN/model-trained" --data "$DATA/bfcl" "${CAT[@]}" --now "$NOW" | tee "$RUN/fit-after.log"
t3=$(stamp)
echo "wall time: eval before $((t1 - t0)) s, import + training $((t2 - t1)) s, export + eval after $((t3 - t2)) s"
