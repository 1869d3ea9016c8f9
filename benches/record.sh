#!/usr/bin/env bash
# Records one performance run in benches/runs/DATE-MACHINE/: the machine and versions
# (machine.txt), criterion's raw output (criterion.txt), whole-process times and peak
# memory of the README's commands and of a 20-point sweep (commands.txt), and the peak
# memory of one replication of every shipped scenario, the one criterion times
# (memory.txt). Run it on a quiet machine:
#   benches/record.sh [MACHINE-NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/run-folder.sh
dir=$(new_run_folder "${1:-$(hostname -s)}")
cargo bench --locked --bench kernel --bench scenario 2>&1 | tee "$dir/criterion.txt"
cargo build --release --locked -q
bin=target/release/crisis-sim
out=$(mktemp -d)
timed() {
  local label=$1
  shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak" "$@" --quiet --out "$out/$RANDOM" 2>>"$dir/commands.txt"
}
: >"$dir/commands.txt"
for _ in 1 2; do
  timed "run mid-size-city (20 × 365 days after 270)" "$bin" run scenarios/mid-size-city.toml
  timed "council compare (7 scenarios × 20 × 365 days)" "$bin" compare scenarios/mid-size-city.toml \
    scenarios/cit-police.toml scenarios/co-responder.toml scenarios/mid-size-city-mobile-crisis.toml \
    scenarios/hotline-988-mobile.toml scenarios/integrated-psychiatry.toml \
    scenarios/mid-size-city-prevention.toml --days 365
  timed "run big-city (10 × 365 days after 270)" "$bin" run scenarios/big-city.toml --replications 10
  timed "sweep mobile_crisis.units 1..20 (20 points × 2 replications)" "$bin" sweep \
    scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=1..20 \
    --replications 2
done
: >"$dir/memory.txt"
for scenario in $(find scenarios -name '*.toml' | sort) benches/peers/one-zone.toml; do
  /usr/bin/time -f "$scenario: %e s wall, %M KB peak" "$bin" run "$scenario" --replications 1 \
    --threads 1 --outputs summary --quiet --out "$out/$RANDOM" 2>>"$dir/memory.txt"
done
cat "$dir/memory.txt"
rm -rf "$out"
cat "$dir/commands.txt"
echo "recorded in $dir"
