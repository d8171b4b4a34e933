#!/usr/bin/env bash
# Fuzzes every parser entry point of orr for a bounded time and prints a
# table: target, seconds, executions, execs/s, new corpus units, crashes.
#
#   bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Needs cargo-fuzz (installed with `cargo install cargo-fuzz --locked` when
# missing). Runs on the stable toolchain with `--sanitizer none`; set
# ORR_FUZZ_SANITIZER=address (with RUSTC_BOOTSTRAP=1) for AddressSanitizer.
# ORR_FUZZ_POSITIONS=1 also fails a run on a diagnostic whose line:column is
# not in the file (known YAML cases: fuzz/regressions/README.md).
# One libFuzzer process at a time. Findings go to fuzz/artifacts/<target>/,
# the grown corpus to fuzz/corpus/<target>/ (both git-ignored but the seeds).
# Not part of `cargo test` or CI: it takes minutes by design.
set -euo pipefail

seconds=${1:-60}
shift || true
sanitizer=${ORR_FUZZ_SANITIZER:-none}
fuzz_dir="$(cd "$(dirname "$0")/../fuzz" && pwd)"
cd "$fuzz_dir"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build --sanitizer "$sanitizer" >&2

logs="$fuzz_dir/artifacts/logs"
mkdir -p "$logs"
# The value of one `stat::NAME: VALUE` line of libFuzzer's final stats.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

rows=()
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    artifacts="$fuzz_dir/artifacts/$target"
    mkdir -p "$artifacts"
    before=$(find "$artifacts" -type f | wc -l)
    echo "fuzzing $target for ${seconds}s (log: $log)" >&2
    status=0
    cargo fuzz run --sanitizer "$sanitizer" "$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1 || status=$?
    execs=$(stat number_of_executed_units "$log")
    rate=$(stat average_exec_per_sec "$log")
    units=$(stat new_units_added "$log")
    found=$(( $(find "$artifacts" -type f | wc -l) - before ))
    if [ "$status" -ne 0 ] && [ "$found" -eq 0 ]; then
        found="? (exit $status)"
    fi
    rows+=("$target|$seconds|${execs:-?}|${rate:-?}|${units:-?}|$found")
done

printf '\n| target | seconds | executions | execs/s | new units | crashes |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: |\n'
for row in "${rows[@]}"; do
    IFS='|' read -r t s e r u c <<<"$row"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$s" "$e" "$r" "$u" "$c"
done
