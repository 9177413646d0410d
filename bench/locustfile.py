"""The locust fallback of bench/run.py when Debian's wrk is missing (slower: one Python process generates load).

Same modes as bench/wrk/bench.lua, from the environment: BENCH_MODE plain | unique | mix, BENCH_PATHS (space
separated), BENCH_HEADERS (JSON object of request headers, e.g. If-None-Match for a repeat reader).
"""

import itertools
import json
import os

from locust import FastHttpUser, constant, task

MODE = os.environ.get("BENCH_MODE", "plain")
PATHS = os.environ.get("BENCH_PATHS", "").split() or ["/healthz"]
HEADERS = json.loads(os.environ.get("BENCH_HEADERS") or "{}")
COUNTER = itertools.count()


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def read(self):
        n = next(COUNTER)
        if MODE == "unique":
            path = PATHS[0] + ("&" if "?" in PATHS[0] else "?") + f"_bench=l{n}"
            name = PATHS[0] + " (first reader)"
        elif MODE == "mix":
            path = name = PATHS[n % len(PATHS)]
        else:
            path = name = PATHS[0]
        with self.client.get(path, headers=HEADERS, name=name, catch_response=True) as response:
            if 200 <= response.status_code < 400:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
