#!/usr/bin/env python3
"""`GET /metrics` figures for server/BENCHMARKS.md, measured through the web server (release
build): a database holding 200,000 audit entries (20,000 of them failed sign-ins), 2,000
deployments and 500 verifications (of 50 designs), scraped from this host; median and worst
of 50 scrapes, from the request to the last byte.

Usage: scripts/bench-metrics.py [path/to/bulkhead]
"""

import http.client
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", "target"), "release", "bulkhead")
PORT = 3919


def get(path):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", path)
    res = conn.getresponse()
    body = res.read()
    return res.status, body


def seed(db):
    con = sqlite3.connect(db)
    now = "2026-12-04T00:00:00Z"
    con.executemany(
        "INSERT INTO audit_log (at, actor_name, action, summary, prev_hash, hash) VALUES (?, ?, ?, ?, '', '')",
        ((now, "bench", "sign-in-failed" if i % 10 == 0 else "design-save", f"entry {i}")
         for i in range(200_000)))
    con.execute(
        "INSERT INTO engines (id, name, endpoint, created_at) VALUES (9001, 'bench', 'unix:///nowhere', ?)",
        (now,))
    con.executemany(
        "INSERT INTO deployments (design_name, design_id, revision, engine_id, engine_name, actor_name, started_at, finished_at, plan, plan_hash, fingerprint, result, firewall, report) "
        "VALUES (?, NULL, 1, ?, 'bench', 'bench', ?, ?, '{}', '', '', ?, '', '{}')",
        ((f"d{i % 50}", 9001, now, now, "applied" if i % 7 else "failed") for i in range(2_000)))
    con.executemany(
        "INSERT INTO verifications (design_name, engine_id, engine_name, actor_name, started_at, finished_at, passed, checks, mismatches, not_judged, firewall, report) "
        "VALUES (?, 9001, 'bench', 'bench', ?, ?, 1, 100, 0, 0, '', '{}')",
        ((f"d{i % 50}", now, now) for i in range(500)))
    con.commit()
    con.close()


def main():
    data = tempfile.mkdtemp(prefix="bench-metrics-")
    try:
        # Start once to create the database, then seed it below the server.
        for seeded in (False, True):
            server = subprocess.Popen(
                [BIN, "serve", "--addr", f"127.0.0.1:{PORT}", "--data", data,
                 "--site", "target/site", "--no-local-engine"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                for _ in range(100):
                    try:
                        if get("/healthz")[0] == 200:
                            break
                    except OSError:
                        time.sleep(0.1)
                if not seeded:
                    continue
                times = []
                size = 0
                for _ in range(50):
                    start = time.perf_counter()
                    status, body = get("/metrics")
                    times.append((time.perf_counter() - start) * 1000)
                    assert status == 200, body[:200]
                    size = len(body)
                print(f"/metrics: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms "
                      f"({size} bytes; 200,000 audit entries, 2,000 deployments)")
            finally:
                server.terminate()
                server.wait()
            if not seeded:
                seed(os.path.join(data, "bulkhead.db"))
    finally:
        shutil.rmtree(data)


if __name__ == "__main__":
    main()
