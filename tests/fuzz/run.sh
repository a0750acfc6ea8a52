#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a short while: what CI does
# (see docs/development.md, "Fuzzing").
#
#   tests/fuzz/run.sh [TARGET...]       all six targets when none is named
#
# FUZZ_SECONDS (default 30) is how long each target runs; FUZZ_JOBS (default
# 2, one per core of a CI machine) how many targets run at once;
# FUZZ_SANITIZER (default address) is passed to `cargo fuzz -s`. Each target
# starts from a fresh scratch corpus holding its committed seeds
# (tests/fuzz/seeds/TARGET/), removed afterwards, so a run leaves no corpus
# behind. A crash fails the run: its input is kept in
# tests/fuzz/artifacts/TARGET/ and its path and bytes are printed.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-30}
jobs=${FUZZ_JOBS:-2}
sanitizer=${FUZZ_SANITIZER:-address}
if (($# > 0)); then
    targets=("$@")
else
    targets=(analyze fmt_round_trip fix render lsp diff)
fi

# cargo-fuzz passes nightly-only flags to rustc (-Zsanitizer, the coverage
# passes); RUSTC_BOOTSTRAP lets the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1

build_start=$SECONDS
cargo fuzz build --fuzz-dir tests/fuzz -s "$sanitizer"
echo "built the fuzz targets in $((SECONDS - build_start)) s"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Runs one target; its output goes to $scratch/TARGET.log, its exit status
# to $scratch/TARGET.status.
fuzz() {
    local target=$1
    local corpus="$scratch/corpus/$target"
    mkdir -p "$corpus" "tests/fuzz/artifacts/$target"
    cp tests/fuzz/seeds/"$target"/* "$corpus"/
    local status=0
    cargo fuzz run --fuzz-dir tests/fuzz -s "$sanitizer" "$target" "$corpus" -- \
        -max_total_time="$seconds" \
        -dict=tests/fuzz/crmpol.dict \
        -rss_limit_mb=2048 \
        -artifact_prefix="tests/fuzz/artifacts/$target/" \
        -print_final_stats=1 >"$scratch/$target.log" 2>&1 || status=$?
    echo "$status" >"$scratch/$target.status"
}

run_start=$SECONDS
echo "fuzzing ${targets[*]} for $seconds s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
    fuzz "$target" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait
echo "fuzzed for $((SECONDS - run_start)) s"

failed=()
for target in "${targets[@]}"; do
    log="$scratch/$target.log"
    if [ "$(cat "$scratch/$target.status" 2>/dev/null || echo none)" = 0 ]; then
        # The last status line has the coverage, the final stats the executions.
        echo "$target: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | tr -s '[:space:]' ' ')"
        continue
    fi
    echo "FAILED: fuzz target $target crashed"
    grep -A 6 'panicked at' "$log" | head -n 30 || true
    echo "the end of its log:"
    grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|INITED|RELOAD)' "$log" | tail -n 60
    # libFuzzer names the file it saved the crashing input to.
    sed -n 's/^.*Test unit written to //p' "$log" | while read -r artifact; do
        echo "crash input: $artifact"
        od -A d -c "$artifact" | head -n 40
    done
    failed+=("$target")
done

if ((${#failed[@]} > 0)); then
    echo "fuzz targets that crashed: ${failed[*]}"
    exit 1
fi
echo "fuzzing found nothing in ${#targets[@]} targets"
