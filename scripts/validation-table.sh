#!/bin/sh
# Reruns every programme scenario and rewrites the validation table in
# scenarios/README.md from the runs (see tests/it/programs.rs).
set -eu
cd "$(dirname "$0")/.."
CRISIS_SIM_UPDATE_TABLES=1 cargo test --locked --test it programs:: -- --quiet
