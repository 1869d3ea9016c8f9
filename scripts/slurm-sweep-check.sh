#!/usr/bin/env bash
# Runs a sharded sweep as a real Slurm job array on a single-node cluster started on
# this machine, merges the shards and checks the result is byte for byte the sweep run
# locally. Needs root (it installs Debian's slurm and munge packages if missing and
# starts their daemons); stops the cluster on exit.
#
#   scripts/slurm-sweep-check.sh [path/to/crisis-sim]
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-target/release/crisis-sim}
SHARDS=3
WORK=$(mktemp -d /tmp/crisis-sim-slurm.XXXXXX)
STARTED_MUNGE=no

say() { printf 'slurm-sweep-check: %s\n' "$*"; }

cleanup() {
  status=$?
  pkill -x slurmd 2>/dev/null || true
  pkill -x slurmctld 2>/dev/null || true
  if [ "$STARTED_MUNGE" = yes ]; then pkill -x munged 2>/dev/null || true; fi
  # The controller saves its state as it stops: wait (up to 10 s) before removing it.
  for _ in $(seq 50); do
    pgrep -x slurmctld >/dev/null 2>&1 || pgrep -x slurmd >/dev/null 2>&1 || break
    sleep 0.2
  done
  rm -rf "$WORK" 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT

if [ ! -x "$BIN" ]; then
  say "building $BIN"
  cargo build --release --locked --quiet
fi
BIN=$(realpath "$BIN")

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

# munge authenticates the daemons to each other.
MUNGE_KEY=/etc/munge/munge.key
if [ ! -s "$MUNGE_KEY" ]; then
  dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none
fi
chown munge:munge "$MUNGE_KEY"
chmod 400 "$MUNGE_KEY"
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- munged --force
  STARTED_MUNGE=yes
fi

HOST=$(hostname)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
STATE=$WORK/state
mkdir -p "$STATE/ctld" "$STATE/d" /etc/slurm
cat >/etc/slurm/slurm.conf <<EOF
ClusterName=crisis-sim-check
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ReturnToService=2
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=check Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

say "starting slurmctld and slurmd on $HOST ($CPUS CPUs)"
pkill -x slurmd 2>/dev/null || true
pkill -x slurmctld 2>/dev/null || true
slurmctld -i
slurmd
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then break; fi
  sleep 1
done
sinfo -h -o '%T' | grep -qx idle || { say "the node never became idle"; cat "$WORK"/*.log; exit 1; }

SWEEP=(sweep scenarios/mid-size-city-mobile-crisis.toml
  --vary responders.mobile_crisis.units=3..7:2 --vary demand.scale=1.0,1.2
  --replications 3 --days 30 --set scenario.warmup_days=30 --threads 1 --quiet)

say "submitting a job array of $SHARDS shards"
JOB=$(sbatch --parsable --array=0-$((SHARDS - 1)) --chdir="$PWD" \
  --output="$WORK/shard-%a.log" \
  --wrap "$BIN ${SWEEP[*]} --shard auto --out $WORK/out-\$SLURM_ARRAY_TASK_ID")
say "job $JOB submitted; waiting"
for _ in $(seq 300); do
  if [ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ]; then break; fi
  sleep 1
done
[ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ] || { say "job $JOB did not finish"; exit 1; }

for i in $(seq 0 $((SHARDS - 1))); do
  [ -f "$WORK/out-$i/plan.json" ] || { say "shard $i wrote nothing:"; cat "$WORK/shard-$i.log"; exit 1; }
done
"$BIN" merge "$WORK"/out-* --out "$WORK/merged"
"$BIN" "${SWEEP[@]}" --out "$WORK/local"
diff -r "$WORK/local" "$WORK/merged"
say "ok: the job array's merged sweep equals the local sweep byte for byte ($(find "$WORK/merged" -type f | wc -l) files)"
