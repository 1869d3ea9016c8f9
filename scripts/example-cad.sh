#!/bin/sh
# Makes the README's example dispatch export and the scenario calibrate makes of it:
# docs/example-cad.csv, a week of the mobile-crisis city's calls as crisis-sim
# traces them (synthetic people: nothing to anonymise), and docs/example-city.toml.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
bin=target/release/crisis-sim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run scenarios/mid-size-city-mobile-crisis.toml --days 7 --replications 1 --trace \
  --quiet --out "$tmp/run"
cp "$tmp/run/incidents.csv" docs/example-cad.csv
"$bin" calibrate docs/example-cad.csv \
  --column received=received --column dispatched=dispatched --column arrived=arrived \
  --column cleared=cleared --column call_type=call_type --column priority=priority \
  --column agency=first_kind --column zone=zone --column x=x_km --column y=y_km \
  --coordinates km --column disposition=disposition --column person=person \
  --column incident=incident --column units=units --self-initiated self_initiated=Y \
  --out-of-service 0.15 \
  --crisis-type welfare_check --crisis-type suicidal_ideation --crisis-type psychosis \
  --crisis-type intoxication --crisis-type crisis_with_weapon \
  --population 700000 --name "Example city: calibrated from a week of records" \
  --out "$tmp/calibrated"
cp "$tmp/calibrated/scenario.toml" docs/example-city.toml
