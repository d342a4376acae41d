#!/usr/bin/env python3
"""Operations figures for server/BENCHMARKS.md, measured through the web server as the
browser uses it (release build, this host's engine):

 1. apply of the 50-service bench design: from the apply request to the first progress event
    on the job's event stream;
 2. plan of that design on an engine that holds it (server side: the plan_design request on
    loopback, median of 10);
 3. drift of 10 applied designs: `bulkhead drift --engine local --data DIR` (each design
    read, compared, recorded), whole command, median of 5.
The gap between a step and its delivery is not measured here (it needs the server's clock).

Usage: scripts/bench-operations.py [path/to/bulkhead]  (root, Docker engine)
"""

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", "target"), "release", "bulkhead")
IMAGE = "bulkhead-test/busybox:1"
PORT = 3917
NAMES = ["bench50"] + [f"bdrift{i}" for i in range(10)]


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def cleanup():
    for name in NAMES:
        label = f"label=io.bulkhead.design={name}"
        ids = run("docker", "ps", "-aq", "--filter", label).stdout.split()
        if ids:
            run("docker", "rm", "-f", *ids)
        ids = run("docker", "network", "ls", "-q", "--filter", label).stdout.split()
        if ids:
            run("docker", "network", "rm", *ids)


class Client:
    def __init__(self):
        self.cookie = ""

    def call(self, name, form):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "accept": "application/json",
            "origin": f"http://127.0.0.1:{PORT}",
        }
        if self.cookie:
            headers["cookie"] = self.cookie
        conn.request("POST", f"/api/{name}", urllib.parse.urlencode(form), headers)
        res = conn.getresponse()
        body = res.read().decode()
        for k, v in res.getheaders():
            if k.lower() == "set-cookie":
                self.cookie = v.split(";")[0]
        if res.status >= 300:
            raise SystemExit(f"{name}: {res.status} {body}")
        return json.loads(body) if body else None

    def job_end(self, job_id):
        while True:
            view = self.call("get_job", {"id": job_id})
            if view["result"] != "running":
                return view
            time.sleep(0.05)


def design_50():
    lines = ["bulkhead: 1", "name: bench50", "zones:"]
    for i in range(20):
        lines.append(f"  z{i}: {{ trust: internal, subnet: 10.77.{i}.0/24, bridge: bhb{i} }}")
    lines.append("services:")
    for j in range(50):
        a, b = j % 20, (7 * j + 3) % 20
        if a == b:
            b = (a + 1) % 20
        lines.append(
            f"  s{j}: {{ image: {IMAGE}, zones: {{ z{a}: {{ ipv4: 10.77.{a}.{10 + j} }}, "
            f"z{b}: {{ ipv4: 10.77.{b}.{10 + j} }} }} }}")
    return "\n".join(lines) + "\n"


def design_small(name, i):
    return (f"bulkhead: 1\nname: {name}\nzones:\n  a: {{ trust: internal, subnet: 10.78.{i}.0/24 }}\n"
            f"services:\n  x: {{ image: {IMAGE}, zones: [a] }}\n")


def store(c, name, document):
    d = c.call("create_design", {"name": name, "template": ""})
    c.call("save_design", {"id": d["id"], "base": 1, "document": document, "message": "bench"})
    return d["id"]


def first_event_and_steps(c, plan_id):
    """Apply `plan_id`; the ms from the request to the first step event, and the ended job."""
    t0 = time.monotonic()
    job = c.call("apply_plan", {"plan_id": plan_id})
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    conn.request("GET", f"/jobs/{job['id']}/events", headers={"cookie": c.cookie})
    res = conn.getresponse()
    first = None
    event = None
    while True:
        line = res.fp.readline()
        if not line:
            break
        line = line.decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == "step":
            now = time.monotonic()
            if first is None:
                first = (now - t0) * 1000
        elif line.startswith("data: ") and event == "end":
            break
    return first, c.job_end(job["id"])


def main():
    if os.geteuid() != 0:
        raise SystemExit("run as root (the firewall and the engine)")
    if not os.access(BIN, os.X_OK):
        raise SystemExit(f"no {BIN}: build it with cargo build --release -p server")
    cleanup()
    data = tempfile.mkdtemp()
    subprocess.run([BIN, "user", "add", "bench", "--role", "admin", "--data", data],
                   input="bench password 2026\n", text=True, check=True, capture_output=True)
    server = subprocess.Popen(
        [BIN, "serve", "--addr", f"127.0.0.1:{PORT}", "--data", data, "--site", "target/site-debug",
         "--drift-check-mins", "0", "--engine-check-secs", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        c = Client()
        c.call("login", {"name": "bench", "password": "bench password 2026"})
        engines = c.call("list_engines", {})
        if not engines:
            engines = [c.call("add_engine", {"name": "local", "endpoint": "unix:///var/run/docker.sock"})]
        local = engines[0]["id"]
        # Plans are applied directly here: the engine asks for no approval.
        c.call("update_engine", {"id": local, "name": engines[0]["name"],
                                 "endpoint": engines[0]["endpoint"], "approvals_required": 0})

        big = store(c, "bench50", design_50())
        p = c.call("plan_design", {"id": big, "engine_id": local})
        first, job = first_event_and_steps(c, p["id"])
        steps = len(job["steps"])
        print(f"apply bench50 ({p['changes']} changes): first progress event {first:.0f} ms after the request; "
              f"job {job['result']}, {steps} steps streamed")

        plans = []
        for _ in range(10):
            t0 = time.monotonic()
            q = c.call("plan_design", {"id": big, "engine_id": local})
            plans.append((time.monotonic() - t0) * 1000)
            assert q["changes"] == 0, q
        print(f"plan bench50 on an engine that holds it: median {statistics.median(plans):.0f} ms, "
              f"min {min(plans):.0f}, max {max(plans):.0f} (10 requests)")

        # Drift is measured over exactly the 10 small designs: bench50 goes first.
        job = c.call("destroy_live", {"design": big, "engine": local})
        assert c.job_end(job["id"])["result"] == "removed"
        for i in range(10):
            d = store(c, f"bdrift{i}", design_small(f"bdrift{i}", i))
            q = c.call("plan_design", {"id": d, "engine_id": local})
            job = c.call("apply_plan", {"plan_id": q["id"]})
            assert c.job_end(job["id"])["result"] == "applied"
        drifts = []
        for _ in range(5):
            t0 = time.monotonic()
            out = subprocess.run([BIN, "drift", "--engine", "local", "--data", data],
                                 capture_output=True, text=True)
            drifts.append((time.monotonic() - t0) * 1000)
        print(f"drift --engine local over {out.stdout.count(' on local: ')} live designs: "
              f"median {statistics.median(drifts):.0f} ms (5 runs; exit {out.returncode})")
    finally:
        server.terminate()
        server.wait()
        cleanup()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
