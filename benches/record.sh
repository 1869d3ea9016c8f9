#!/usr/bin/env bash
# Records one performance run in benches/runs/DATE-MACHINE/: the machine and versions
# (machine.txt), criterion's raw output (criterion.txt), and whole-process times and
# peak memory of the README's commands (commands.txt). Run it on a quiet machine:
#   benches/record.sh [MACHINE-NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="benches/runs/$(date -u +%F)-${1:-$(hostname -s)}"
# A second run on the same day and machine keeps the first: -2, -3, ...
base=$dir
n=1
while [ -e "$dir" ]; do
  n=$((n + 1))
  dir="$base-$n"
done
mkdir -p "$dir"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD)"
  uname -srm
  echo "cores: $(nproc)"
  grep -m1 "model name" /proc/cpuinfo || true
  free -g | sed -n 2p
  rustc --version
  cargo --version
} >"$dir/machine.txt"
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
done
rm -rf "$out"
cat "$dir/commands.txt"
echo "recorded in $dir"
