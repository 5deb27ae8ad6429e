"""The page benchmark (benchmarks/run.py) keeps working: its smoke run serves every measured
page through gunicorn, next to its bare reference view, with the same rows.

Timings and goals are never judged here (benchmarks/goals.json is for `make bench`).
"""

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.run import drive_pair, in_order, size_database_url

ROOT = Path(__file__).resolve().parent.parent


def test_the_smoke_run_serves_every_page_with_the_references_rows(tmp_path):
    output = tmp_path / "latest.json"
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    run = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--duration", "0",
         "--output", str(output)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(output.read_text())
    pages = report["sizes"]["1k"]["pages"]
    assert {page["name"] for page in pages} >= {
        "customers reseller p1", "customers reseller p200", "customers all p1",
        "indirect resellers", "orders", "support queue", "audit log", "incentives",
        "reseller customers", "reseller providers", "directory"}
    for page in pages:
        assert page["status"] == 200, page["name"]
        assert page["check"]["ok"], (page["name"], page["check"])
        assert page["check"]["rows"] > 0, page["name"]
    counts = report["sizes"]["1k"]["counts"]
    assert counts["customers"] == 1000
    assert counts["big_reseller_customers"] == 250
    assert counts["resellers"] == 200


def test_rows_are_found_in_order_only():
    assert in_order(["b", "d"], "abcde") is None
    assert in_order(["d", "b"], "abcde") == "b"


def test_each_size_has_its_database():
    assert size_database_url("postgres://u@h:5432/bench", "20k") == "postgres://u@h:5432/bench_20k"
    assert (size_database_url("postgres://u@h:5432/bench_1k", "100k")
            == "postgres://u@h:5432/bench_100k")


class _TwoPages(BaseHTTPRequestHandler):
    """/slow answers in about 20 ms, /fast at once; each request's path is recorded in turn."""

    seen: list[str] = []

    def do_GET(self):
        self.seen.append(self.path)
        if self.path == "/slow":
            time.sleep(0.02)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_product_and_reference_take_turns_and_each_is_measured_alone():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TwoPages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _TwoPages.seen = []
    try:
        slow, fast = drive_pair(server.server_address[1], ("/slow", {}), ("/fast", {}),
                                duration=0.6, slices=4, connections=2, warmup=1)
    finally:
        server.shutdown()
        server.server_close()
    assert slow["errors"] == fast["errors"] == 0
    assert slow["p50_ms"] >= 20 > fast["p50_ms"]
    assert fast["rps"] > slow["rps"]
    # Warm-ups (slow, fast), then four turns a side in the order SF FS SF FS: the page
    # asked for changes six times, where one side after the other would change twice.
    switches = sum(1 for a, b in itertools.pairwise(_TwoPages.seen) if a != b)
    assert switches >= 6
