"""The peer comparison's model (benches/peers/one-zone.toml) in SimPy, written as
SimPy's documentation writes such models: a process per call, a Resource per kind.

One zone, crises at 60 a day for ten years; 3 vans answer first; a call no van has
come free for in 15 minutes is also open to the 6 police units, and the first unit of
either kind to be free takes it (the other request is withdrawn). Every dispatch takes
8 minutes to arrive; scenes are exponential, 45 minutes for a van and 35 for police;
a unit is free as its scene ends. Resources serve their requests first come, first
served. Prints one JSON line: the crises, the mean response (call to arrival), the
share answered by a van, each kind's utilization and the loop's seconds.

python3 one_zone.py DAYS SEED
"""

import json
import random
import sys
import time

import simpy

PER_MINUTE = 60.0 / 1440.0
TURNOUT = 8.0
SCENE = {"van": 45.0, "police": 35.0}
UNITS = {"van": 3, "police": 6}
FALLBACK = 15.0


class City:
    def __init__(self, env, rng):
        self.env = env
        self.rng = rng
        self.kinds = {k: simpy.Resource(env, capacity=n) for k, n in UNITS.items()}
        self.busy_minutes = {"van": 0.0, "police": 0.0}
        self.calls = 0
        self.by_van = 0
        self.response_sum = 0.0
        self.reached = 0

    def arrivals(self):
        while True:
            yield self.env.timeout(self.rng.expovariate(PER_MINUTE))
            self.calls += 1
            self.env.process(self.call())

    def call(self):
        arrived = self.env.now
        van = self.kinds["van"].request()
        got = yield van | self.env.timeout(FALLBACK)
        if van in got:
            kind, request = "van", van
        else:
            police = self.kinds["police"].request()
            got = yield van | police
            if van in got:
                kind, request, other = "van", van, police
            else:
                kind, request, other = "police", police, van
            withdraw(other)
        start = self.env.now
        yield self.env.timeout(TURNOUT)
        self.response_sum += self.env.now - arrived
        self.reached += 1
        self.by_van += kind == "van"
        yield self.env.timeout(self.rng.expovariate(1.0 / SCENE[kind]))
        self.busy_minutes[kind] += self.env.now - start
        self.kinds[kind].release(request)


def withdraw(request):
    """Withdraws a request not taken: cancelled while it waits, released if it was
    granted at the same instant as the one taken."""
    if request.triggered:
        request.resource.release(request)
    else:
        request.cancel()


def main():
    days = float(sys.argv[1]) if len(sys.argv) > 1 else 3650.0
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    env = simpy.Environment()
    city = City(env, random.Random(seed))
    env.process(city.arrivals())
    start = time.perf_counter()
    env.run(until=days * 1440.0)
    loop_s = time.perf_counter() - start
    horizon = days * 1440.0
    print(json.dumps({
        "incidents": city.calls,
        "response_time_mean_min": city.response_sum / city.reached,
        "van_share": city.by_van / city.reached,
        "utilization_van": city.busy_minutes["van"] / (UNITS["van"] * horizon),
        "utilization_police": city.busy_minutes["police"] / (UNITS["police"] * horizon),
        "loop_s": loop_s,
    }))


if __name__ == "__main__":
    main()
