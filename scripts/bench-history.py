#!/usr/bin/env python3
"""History figures for server/BENCHMARKS.md, measured through the web server (release build):

 1. a design with 1,000 revisions (20 services; each revision changes one image): the history
    page, server-rendered with every revision and its one-line summary, from the request to
    the last byte of the HTML (what the browser paints first), median of 10;
 2. the same design's `get_design` call (what the page's data is), median of 10;
 3. after an upgrade (no summary kept yet): the read that works out 100 summaries.

Usage: scripts/bench-history.py [path/to/bulkhead]
"""

import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", "target"), "release", "bulkhead")
PORT = 3918
REVISIONS = 1000


def document(k):
    lines = ["bulkhead: 1", "name: hist1000", "zones:",
             "  a: { trust: internal, subnet: 10.79.1.0/24 }", "services:"]
    for j in range(20):
        tag = k if j == k % 20 else 1
        lines.append(f"  s{j}: {{ image: 'img{j}:{tag}', zones: [a] }}")
    return "\n".join(lines) + "\n"


class Client:
    def __init__(self):
        self.cookie = ""

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
        headers = {"origin": f"http://127.0.0.1:{PORT}"}
        body = None
        if form is not None:
            headers["content-type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(form)
        if self.cookie:
            headers["cookie"] = self.cookie
        conn.request(method, path, body, headers)
        res = conn.getresponse()
        data = res.read().decode()
        for k, v in res.getheaders():
            if k.lower() == "set-cookie":
                self.cookie = v.split(";")[0]
        if res.status >= 300:
            raise SystemExit(f"{path}: {res.status} {data[:300]}")
        return data

    def call(self, name, form):
        data = self.request("POST", f"/api/{name}", form)
        return json.loads(data) if data else None


def timed(f, n=10):
    times = []
    out = None
    for _ in range(n):
        t0 = time.monotonic()
        out = f()
        times.append((time.monotonic() - t0) * 1000)
    return statistics.median(times), min(times), max(times), out


def main():
    if not os.access(BIN, os.X_OK):
        raise SystemExit(f"no {BIN}: build it with cargo build --release -p server")
    data = tempfile.mkdtemp()
    subprocess.run([BIN, "user", "add", "bench", "--role", "admin", "--data", data],
                   input="bench password 2026\n", text=True, check=True, capture_output=True)
    server = subprocess.Popen(
        [BIN, "serve", "--addr", f"127.0.0.1:{PORT}", "--data", data, "--site", "target/site-debug",
         "--drift-check-mins", "0", "--engine-check-secs", "0", "--no-local-engine"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        c = Client()
        c.call("login", {"name": "bench", "password": "bench password 2026"})
        d = c.call("create_design", {"name": "hist1000", "template": ""})
        t0 = time.monotonic()
        for k in range(1, REVISIONS):
            c.call("save_design", {"id": d["id"], "base": k, "document": document(k),
                                   "message": f"step {k}"})
        saves = (time.monotonic() - t0) * 1000 / (REVISIONS - 1)
        print(f"{REVISIONS} revisions saved ({saves:.1f} ms a save, its summary included)")

        page = f"/designs/{d['id']}/history"
        med, lo, hi, html = timed(lambda: c.request("GET", page))
        rows = html.count("data-revision=")
        summaries = html.count('data-test="summary"')
        print(f"history page, {rows} revisions ({summaries} summaries), {len(html) // 1024} KiB of HTML: "
              f"median {med:.0f} ms, min {lo:.0f}, max {hi:.0f} (10 requests)")
        med, lo, hi, detail = timed(lambda: c.call("get_design", {"id": d["id"]}))
        print(f"get_design with {len(detail['history'])} revisions: median {med:.0f} ms, "
              f"min {lo:.0f}, max {hi:.0f} (10 requests)")

        db = sqlite3.connect(os.path.join(data, "bulkhead.db"))
        db.execute("DELETE FROM revision_summaries")
        db.commit()
        db.close()
        t0 = time.monotonic()
        c.call("get_design", {"id": d["id"]})
        first = (time.monotonic() - t0) * 1000
        print(f"after an upgrade (no summary kept): the first read works out 100 summaries in {first:.0f} ms")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
