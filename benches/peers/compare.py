"""Runs the peer comparison side by side and prints its table (benches/peers/run.sh
calls it with the built binaries and a Python that has SimPy).

Each program runs REPEATS times, one after the other, on the same horizon and seeds;
the table gives medians. "loop" is the simulation alone as each program times it
(crisis-sim: summary.json's perf.wall_s, one replication on one thread; SimPy: around
env.run; the bare loop: around its while loop); "process" is the whole command, start-up
and output included, timed here. The answers are checked against each other, and the
M/M/5 waits against Erlang C, before any ratio is printed. Last, the one-zone model
is scaled from 50 to 5,000 vans (police twice as many, crises in proportion, the
horizon shortened to keep about eleven million events) to show the cost of an event as
the fleet grows.

python3 compare.py CRISIS_SIM BARE_MM5 PYTHON REPEATS
"""

import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE_ZONE_DAYS = 3650
MM5_DAYS = 36500
FLEETS = (50, 500, 5000)


def timed(command):
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return out, time.perf_counter() - start


def crisis_sim(binary, scenario, extra, out):
    command = [binary, "run", str(scenario), "--out", str(out), "--threads", "1",
               "--outputs", "summary", "--quiet", "--fresh"] + extra
    _, process = timed(command)
    summary = json.loads((out / "summary.json").read_text())
    values = {name: e["mean"] for name, e in summary["metrics"].items()}
    values["events"] = summary["perf"]["events"]
    return values, summary["perf"]["wall_s"], process


def fleet(binary, vans, out):
    """The one-zone model with `vans` vans: nanoseconds an event, and van utilization."""
    extra = ["--days", str(ONE_ZONE_DAYS * 50 // vans),
             "--set", f"responders.van.units={vans}",
             "--set", f"responders.police.units={2 * vans}",
             "--set", f"demand.crises_per_100k_per_day={60.0 * vans / 3}"]
    values, loop, _ = crisis_sim(binary, HERE / "one-zone.toml", extra, out)
    return loop * 1e9 / values["events"], values["utilization_van"]


def erlang_c_wait(servers, arrival, service_mean):
    a = arrival * service_mean
    rho = a / servers
    top = a ** servers / math.factorial(servers) / (1 - rho)
    bottom = sum(a ** k / math.factorial(k) for k in range(servers)) + top
    return top / bottom * service_mean / (servers - rho * servers)


def median(runs, i):
    return statistics.median(r[i] for r in runs)


def main():
    binary, bare, python, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    work = Path(tempfile.mkdtemp(prefix="crisis-sim-peers."))
    one_zone, simpy, mm5, floor = [], [], [], []
    for _ in range(repeats):
        one_zone.append(crisis_sim(binary, HERE / "one-zone.toml", [], work / "one-zone"))
        out, process = timed([python, str(HERE / "one_zone.py"), str(ONE_ZONE_DAYS), "1"])
        answer = json.loads(out)
        simpy.append((answer, answer["loop_s"], process))
        mmc = HERE.parent.parent / "scenarios" / "validation" / "mmc.toml"
        mm5.append(crisis_sim(binary, mmc, ["--days", str(MM5_DAYS), "--replications", "1"],
                              work / "mm5"))
        out, process = timed([bare, str(MM5_DAYS), "7"])
        answer = json.loads(out)
        floor.append((answer, answer["loop_s"], process))

    ours, theirs = one_zone[0][0], simpy[0][0]
    checks = [
        ("one zone: crises", ours["incidents"], theirs["incidents"], 0.01),
        ("one zone: mean response (min)", ours["response_time_mean_min"],
         theirs["response_time_mean_min"], 0.02),
        ("one zone: share answered by a van", ours["calls_van"] / ours["incidents"],
         theirs["van_share"], 0.01),
        ("one zone: van utilization", ours["utilization_van"], theirs["utilization_van"], 0.02),
        ("one zone: police utilization", ours["utilization_police"],
         theirs["utilization_police"], 0.05),
    ]
    exact = erlang_c_wait(5, 102.0 / 1440.0, 60.0)
    checks += [
        ("M/M/5: mean wait (min), crisis-sim and Erlang C", mm5[0][0]["dispatch_wait_mean_min"],
         exact, 0.03),
        ("M/M/5: mean wait (min), bare loop and Erlang C", floor[0][0]["mean_wait_min"], exact, 0.03),
    ]
    print("Answers (crisis-sim | peer, relative difference allowed):")
    failed = False
    for what, a, b, tolerance in checks:
        ok = abs(a - b) <= tolerance * abs(b)
        failed |= not ok
        print(f"  {what}: {a:.4f} | {b:.4f} (±{tolerance:.0%}) {'ok' if ok else 'DIFFER'}")
    if failed:
        sys.exit("the answers differ: no timing is reported")

    print(f"\nTimes (median of {repeats}, seconds):")
    rows = [
        ("one zone, ten years: crisis-sim", median(one_zone, 1), median(one_zone, 2)),
        ("one zone, ten years: SimPy 4.1.1", median(simpy, 1), median(simpy, 2)),
        ("M/M/5, 3.7 million calls: crisis-sim", median(mm5, 1), median(mm5, 2)),
        ("M/M/5, 3.7 million calls: bare heap loop", median(floor, 1), median(floor, 2)),
    ]
    for what, loop, process in rows:
        print(f"  {what}: loop {loop:.3f}, process {process:.3f}")
    print("\nRatios:")
    print(f"  one zone, SimPy ÷ crisis-sim: loop {median(simpy, 1) / median(one_zone, 1):.1f}×, "
          f"process {median(simpy, 2) / median(one_zone, 2):.1f}×")
    print(f"  M/M/5, crisis-sim's speed as a share of the bare loop's: loop "
          f"{median(floor, 1) / median(mm5, 1):.2f}×, process {median(floor, 2) / median(mm5, 2):.2f}×")

    print(f"\nCost of an event as the fleet grows (median of {repeats}, one zone scaled):")
    first = None
    for vans in FLEETS:
        runs = [fleet(binary, vans, work / f"fleet-{vans}") for _ in range(repeats)]
        ns = statistics.median(r[0] for r in runs)
        first = first or ns
        print(f"  {vans:>5} vans, {2 * vans:>5} police: {ns:.1f} ns an event "
              f"({ns / first - 1:+.0%} against {FLEETS[0]}), van utilization {runs[0][1]:.3f}")


if __name__ == "__main__":
    main()
