#!/usr/bin/env python3
"""Memory of the audit export for server/BENCHMARKS.md (#15: "100,000 entries export with
memory flat"), release build. For logs of 10,000, 100,000 and 1,000,000 entries (seeded below
the server; each entry about 300 bytes of JSON):

- the web export, `GET /audit/export?format=jsonl` as an admin, read to the end as fast as
  this script can: the server's resident memory sampled every 10 ms, before and at its peak
  during the export;
- the shell export, `bulkhead audit export --data DIR > /dev/null`: the process's peak
  resident memory (its rusage).

Flat means the peak does not grow with the number of entries.

Usage: scripts/bench-export-memory.py [path/to/bulkhead]
"""

import http.client
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", "target"), "release", "bulkhead")
PORT = 3921
PASSWORD = "a long bench password"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def serve(data):
    server = subprocess.Popen(
        [BIN, "serve", "--addr", f"127.0.0.1:{PORT}", "--data", data,
         "--site", "target/site", "--no-local-engine"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def seed(db, n):
    # One statement: the log's own triggers (the search index) run in SQLite alone.
    con = sqlite3.connect(db)
    con.execute(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?) "
        "INSERT INTO audit_log (at, actor_name, address, action, target, summary, details, prev_hash, hash) "
        "SELECT '2026-12-04T00:00:00Z', 'bench', '10.0.0.1', 'design-save', 'prod', "
        "'saved revision ' || i || ' of the shop design', "
        "'{\"revision\": 12, \"engine\": \"prod\", \"plan_hash\": \"' || hex(randomblob(32)) || '\"}', "
        "hex(randomblob(32)), hex(randomblob(32)) FROM seq", (n,))
    con.commit()
    con.close()


def web_export(server):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    body = urllib.parse.urlencode({"name": "bench", "password": PASSWORD})
    conn.request("POST", "/api/login", body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "Origin": f"http://127.0.0.1:{PORT}",
    })
    res = conn.getresponse()
    res.read()
    assert res.status == 200, res.status
    cookie = "; ".join(v.split(";")[0] for k, v in res.getheaders() if k.lower() == "set-cookie")
    before = rss_kib(server.pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(server.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    conn.request("GET", "/audit/export?format=jsonl", headers={"Cookie": cookie})
    res = conn.getresponse()
    assert res.status == 200, res.status
    size = lines = 0
    while True:
        chunk = res.read(65536)
        if not chunk:
            break
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return before, peak[0], size, lines, seconds


def shell_export(data):
    with open(os.devnull, "wb") as null:
        child = subprocess.Popen([BIN, "audit", "export", "--format", "jsonl", "--data", data],
                                 stdout=null, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
    assert status == 0, status
    return usage.ru_maxrss


def main():
    print("| entries | web: server RSS before → peak (MiB) | web: bytes, seconds | shell: peak RSS (MiB) |")
    print("|---|---|---|---|")
    sizes = os.environ.get("BENCH_SIZES", "10000,100000,1000000")
    for n in (int(x) for x in sizes.split(",")):
        data = tempfile.mkdtemp(prefix="bench-export-")
        try:
            server = serve(data)
            server.terminate()
            server.wait()
            subprocess.run([BIN, "user", "add", "bench", "--role", "admin", "--data", data],
                           input=PASSWORD.encode(), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            seed(os.path.join(data, "bulkhead.db"), n)
            server = serve(data)
            try:
                before, peak, size, lines, seconds = web_export(server)
            finally:
                server.terminate()
                server.wait()
            shell = shell_export(data)
            print(f"| {n:,} | {before / 1024:.1f} → {peak / 1024:.1f} | {size:,} B "
                  f"({lines:,} lines), {seconds:.1f} s | {shell / 1024:.1f} |")
        finally:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
