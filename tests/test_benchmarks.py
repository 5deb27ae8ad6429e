"""The page benchmark (benchmarks/run.py) keeps working: its smoke run serves every measured
page through gunicorn, next to its bare reference view, with the same rows.

Timings and goals are never judged here (benchmarks/goals.json is for `make bench`).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.run import in_order, size_database_url

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
