#!/usr/bin/env bash
# The peer comparison, side by side on this machine: the one-zone model in crisis-sim
# and in SimPy, and M/M/5 in crisis-sim and in a bare Rust heap loop, on the same
# horizon and seeds; the answers are checked to agree before the ratios are printed.
#
#   benches/peers/run.sh [REPEATS] [MACHINE]
#
# SimPy (pinned) is installed with pip into target/peers/venv. With MACHINE, the
# output is also kept in a new benches/runs/DATE-MACHINE/ (-2, -3, ... for a later run
# the same day): peers.txt, with machine.txt beside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats="${1:-3}"
machine="${2:-}"
venv=target/peers/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check simpy==4.1.1
cargo build --release --locked --quiet --bin crisis-sim --example bare-mm5
output=$("$venv/bin/python" benches/peers/compare.py target/release/crisis-sim \
  target/release/examples/bare-mm5 "$venv/bin/python" "$repeats")
echo "$output"
if [ -n "$machine" ]; then
  . benches/run-folder.sh
  dir=$(new_run_folder "$machine")
  "$venv/bin/python" --version >>"$dir/machine.txt"
  echo "$output" >"$dir/peers.txt"
  echo "kept in $dir"
fi
