# Sourced by benches/record.sh and benches/peers/run.sh: a new folder for a recorded
# run, benches/runs/DATE-MACHINE (-2, -3, ... for a later run the same day, so the
# first is kept), with the machine and versions in machine.txt.

# Creates the folder for MACHINE and prints its path.
new_run_folder() {
  local base="benches/runs/$(date -u +%F)-$1" dir n=1
  dir=$base
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
  echo "$dir"
}
