#!/bin/sh
# Calibrates a scenario from one week of San Francisco fire dispatch (tests/data/sf-fire)
# on its first six days and validates it on the last two, which the fit never saw.
# Usage: scripts/validate-sf.sh [OUT_DIR]   (default out/sf)
set -eu
out=${1:-out/sf}
bin=${CRISIS_SIM:-target/release/crisis-sim}
if [ ! -x "$bin" ]; then
    cargo build --release --locked
fi
"$bin" calibrate tests/data/sf-fire/calls.csv \
    --column incident="Call Number" --column unit="Unit ID" \
    --column received="Received DtTm" --column dispatched="Dispatch DtTm" \
    --column arrived="On Scene DtTm" --column cleared="Available DtTm" \
    --column call_type="Call Type" --column priority="Priority" \
    --column latlon="Location" --coordinates latlon \
    --priority 3=1 --priority E=1 --priority A=1 --priority 2=2 --priority B=2 \
    --priority C=3 --priority I=3 \
    --crisis-type "Medical Incident" \
    --holdout 0.25 --out "$out"
