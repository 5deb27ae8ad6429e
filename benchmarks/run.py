"""Time the provider pages on a large dataset and compare them with benchmarks/baseline.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --quick        # small dataset in a SQLite file

Generates the bench dataset when it is missing (benchmarks/generate.py), signs the bench
admin in with django.test.Client.force_login and requests each page R times in-process
(no server, no network besides the database). The first request of each page is a
warm-up (template compilation, first-use caches) and is left out of the timings; the
other R-1 give the median and p95 wall time, and every request's SQL is counted with
CaptureQueriesContext. Prints a table, writes benchmarks/results/latest.json and exits 1
when a page misses a goal of the baseline (2 when it cannot run at all).

--update-baseline writes new goals from this run: 3x the measured median and p95
(rounded up to 5 ms) and the measured query count + 3, each capped by the ceilings of
the baseline (median 150 ms, p95 300 ms, 12 queries), so a page that is already slow or
runs an N+1 is not blessed by its own measurement.
"""

import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate as gen

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
LATEST = HERE / "results" / "latest.json"

# name, path, is a list (must render table rows: an empty list is fast but proves nothing)
PAGES = [
    ("dashboard", f"/o/{gen.PROVIDER_SLUG}/", False),
    ("resellers", f"/o/{gen.PROVIDER_SLUG}/resellers/", True),
    ("customers", f"/o/{gen.PROVIDER_SLUG}/customers/", True),
    ("customers p400", f"/o/{gen.PROVIDER_SLUG}/customers/?page=400", True),
    ("audit", f"/o/{gen.PROVIDER_SLUG}/audit/", True),
    ("audit p300", f"/o/{gen.PROVIDER_SLUG}/audit/?page=300", True),
]
DEFAULT_REPS = 20
QUICK_REPS = 10
DEFAULT_BUDGET = 240.0  # seconds of page requests, the whole run stops measuring after it
TOO_SLOW_TO_REPEAT_MS = 5000  # a page this slow is requested once, not R times
# Goals = measured x HEADROOM (queries: + QUERY_HEADROOM), never looser than the ceilings:
# a page that is already too slow or runs an N+1 does not get a goal that blesses it.
HEADROOM = 3.0
QUERY_HEADROOM = 3
CEILINGS = {"median_ms": 150, "p95_ms": 300, "queries": 12}

_PAGE_OF = re.compile(r"Page (\d+) of (\d+)")
_TBODY = re.compile(r"<tbody[^>]*>(.*?)</tbody>", re.DOTALL)
_ROW = re.compile(r"<tr[\s>]")


def percentile(values, fraction):
    """Linear-interpolation percentile (Excel PERCENTILE.INC): with 19 samples the p95 is
    90% the second largest and 10% the largest, so one stray spike does not become it."""
    if len(values) == 1:
        return values[0]
    cut = round(fraction * 100)
    return statistics.quantiles(values, n=100, method="inclusive")[cut - 1]


_SESSION_KEY = re.compile(r"""("session_key" = )'[^']*'""")


class _QueryTimer:
    """execute_wrapper that times each query precisely (connection.queries keeps 1 ms)."""

    def __init__(self):
        self.durations = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.durations.append((time.perf_counter() - started) * 1000)


def measure_page(client, path, reps, deadline):
    """Request `path` up to `reps` times; the first is the warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, db_times, query_counts = [], [], []
    first_ms, response, last_queries = None, None, []
    for n in range(reps):
        if n > 1 and time.monotonic() > deadline:
            break
        timer = _QueryTimer()
        try:
            with (CaptureQueriesContext(connection) as captured,
                  connection.execute_wrapper(timer)):
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
        except Exception as error:  # even the error page failed (e.g. a broken URLconf)
            return {"status": None, "error": f"{type(error).__name__}: {error}"[:200]}
        if response.status_code != 200:
            return {"status": response.status_code, "error": f"HTTP {response.status_code}"}
        if n == 0:
            first_ms = elapsed
            if elapsed < TOO_SLOW_TO_REPEAT_MS:
                continue
            # Far beyond any goal: its one request is the measurement, the run stays short.
        timings.append(elapsed)
        query_counts.append(len(captured))
        db_times.append(sum(timer.durations))
        last_queries = [{"ms": round(ms, 2), "sql": _SESSION_KEY.sub(r"\1'<session>'", q["sql"])}
                        for ms, q in zip(timer.durations, captured.captured_queries,
                                         strict=False)]
        if elapsed >= TOO_SLOW_TO_REPEAT_MS:
            break
    html = response.content.decode()
    page_of = _PAGE_OF.search(html)
    return {
        "status": 200,
        "samples": len(timings),
        "first_ms": round(first_ms, 1),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "db_median_ms": round(statistics.median(db_times), 1),  # time inside execute()
        "queries": max(query_counts),
        "queries_min": min(query_counts),
        "rows": sum(len(_ROW.findall(body)) for body in _TBODY.findall(html)),
        "served_page": int(page_of.group(1)) if page_of else None,
        "num_pages": int(page_of.group(2)) if page_of else None,
        "sql": last_queries,
    }


def explain(sql):
    """The plan of one captured query (EXPLAIN ANALYZE on PostgreSQL)."""
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return None
    prefix = ("EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql"
              else "EXPLAIN QUERY PLAN ")
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())


def check_goals(result, goals, *, is_list=False):
    failures = []
    if result.get("error"):
        return [result["error"]]
    if is_list and not result["rows"]:
        failures.append("rendered no table rows")
    if goals is None:
        return [*failures, "no goal in the baseline"]
    if result["median_ms"] > goals["median_ms"]:
        failures.append(f"median {result['median_ms']} ms > {goals['median_ms']} ms")
    if result["p95_ms"] > goals["p95_ms"]:
        failures.append(f"p95 {result['p95_ms']} ms > {goals['p95_ms']} ms")
    if result["queries"] > goals["queries"]:
        failures.append(f"{result['queries']} queries > {goals['queries']}")
    return failures


def new_goals(result, ceilings=CEILINGS, headroom=HEADROOM):
    def up(value):  # round up to a multiple of 5 ms, at least 10 ms
        return max(10, int(math.ceil(value * headroom / 5.0) * 5))

    return {"median_ms": min(up(result["median_ms"]), ceilings["median_ms"]),
            "p95_ms": min(up(result["p95_ms"]), ceilings["p95_ms"]),
            "queries": min(result["queries"] + QUERY_HEADROOM, ceilings["queries"])}


def environment():
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    try:
        git = ["git", "-C", str(gen.ROOT)]
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True,
                               text=True, timeout=10, check=True).stdout.splitlines()
        code = {"commit": commit, "uncommitted_files": len(dirty)}
    except (OSError, subprocess.SubprocessError):
        code = {"commit": None, "uncommitted_files": None}
    return {
        "code": code,
        "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"]),
                     "version": version},
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def print_table(results, goals_by_name):
    header = (f"{'page':<16} {'median':>8} {'p95':>8} {'first':>8} {'db med':>8} "
              f"{'queries':>7} {'rows':>5} {'page':>9}  goals (median/p95/queries)  result")
    print(header)
    print("-" * len(header))
    for name, path, result in results:
        goals = goals_by_name.get(name)
        goal_text = (f"{goals['median_ms']}/{goals['p95_ms']} ms, {goals['queries']}"
                     if goals else "-")
        if result.get("error"):
            print(f"{name:<16} {result['error']:<60} {path}")
            continue
        queries = (str(result["queries"]) if result["queries"] == result["queries_min"]
                   else f"{result['queries_min']}-{result['queries']}")
        served = (f"{result['served_page']}/{result['num_pages']}"
                  if result["served_page"] else "-")
        verdict = "ok" if not result["failures"] else "MISSED: " + "; ".join(result["failures"])
        print(f"{name:<16} {result['median_ms']:>6.1f}ms {result['p95_ms']:>6.1f}ms "
              f"{result['first_ms']:>6.1f}ms {result['db_median_ms']:>6.1f}ms "
              f"{queries:>7} {result['rows']:>5} {served:>9}  {goal_text:<27} {verdict}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, help=f"requests per page, the first a warm-up "
                        f"(default {DEFAULT_REPS}, {QUICK_REPS} with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="generate the small dataset when missing, fewer requests")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                        help="seconds of page requests before the run stops repeating "
                             f"(default {DEFAULT_BUDGET:.0f})")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--output", type=Path, default=LATEST)
    parser.add_argument("--page", action="append", metavar="NAME",
                        help="measure only this page (repeatable): "
                             + ", ".join(page[0] for page in PAGES))
    parser.add_argument("--explain", action="store_true",
                        help="print the SQL of each page and the plan of its slowest query")
    parser.add_argument("--update-baseline", action="store_true",
                        help=f"write the goals from this run ({HEADROOM:g}x the times, "
                             f"queries + {QUERY_HEADROOM}, capped by the ceilings "
                             f"{CEILINGS}) to the baseline file")
    args = parser.parse_args(argv)
    reps = args.reps or (QUICK_REPS if args.quick else DEFAULT_REPS)
    if reps < 2:
        parser.error("--reps must be at least 2 (the first request is a warm-up)")

    gen.setup_django()
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError
    from django.test import Client

    sizes = gen.QUICK_SIZES if args.quick else gen.SIZES
    try:
        gen.check_database()
        counts = gen.generate(**sizes)["counts"]
        env = environment()
    except (gen.SetupError, DatabaseError) as error:
        print(f"run: {error}", file=sys.stderr)
        return 2
    user = get_user_model().objects.get(email=gen.ADMIN_EMAIL)
    # A page that raises is recorded as HTTP 500 (its traceback is logged), not a crash.
    client = Client(raise_request_exception=False)
    client.force_login(user)

    baseline = json.loads(args.baseline.read_text()) if args.baseline.exists() else {}
    goals_by_name = baseline.get("pages", {})
    warnings = []
    if baseline:
        if baseline.get("database_vendor") != env["database"]["vendor"]:
            warnings.append(f"the baseline was measured on {baseline.get('database_vendor')}, "
                            f"this run uses {env['database']['vendor']}")
        if baseline.get("dataset", {}).get("customers") != counts["customers"]:
            warnings.append(f"the baseline dataset has {baseline.get('dataset', {})}, this "
                            f"one {counts}: the comparison says little")
    else:
        warnings.append(f"no baseline at {args.baseline}: nothing to compare with")

    pages = [page for page in PAGES if not args.page or page[0] in args.page]
    print(f"{gen.database_label()}  {env['database']['version']}  {env['cpus']} CPUs  "
          f"dataset: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    print(f"code {env['code']['commit']} with {env['code']['uncommitted_files']} uncommitted "
          f"files; {reps} requests per page (1 warm-up + {reps - 1} timed)\n")
    started = time.monotonic()
    deadline = started + args.budget
    results = []
    for name, path, is_list in pages:
        result = measure_page(client, path, reps, deadline)
        result["failures"] = check_goals(result, goals_by_name.get(name), is_list=is_list)
        results.append((name, path, result))
    elapsed = time.monotonic() - started
    for name, _path, result in results:
        if result.get("samples", reps - 1) < reps - 1:
            why = ("too slow to repeat" if result["samples"] == 1
                   and result["first_ms"] >= TOO_SLOW_TO_REPEAT_MS else "--budget reached")
            warnings.append(f"{name}: only {result['samples']} timed requests ({why})")

    print_table(results, goals_by_name)
    for warning in warnings:
        print(f"warning: {warning}")

    if args.explain:
        for name, path, result in results:
            if not result.get("sql"):
                continue
            print(f"\n=== {name}  {path}  ({len(result['sql'])} queries)")
            for n, query in enumerate(result["sql"], 1):
                print(f"[{n}] {query['ms']:.1f} ms  {query['sql']}")
            slowest = max(result["sql"], key=lambda q: q["ms"])
            plan = explain(slowest["sql"])
            if plan:
                print(f"--- plan of the slowest ({slowest['ms']:.1f} ms):\n{plan}")

    ok = all(not result["failures"] for _name, _path, result in results)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        **env,
        "dataset": counts,
        "reps": reps,
        "seconds": round(elapsed, 1),
        "ok": ok,
        "warnings": warnings,
        "pages": {name: {"path": path, **result} for name, path, result in results},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    shown = (args.output.relative_to(gen.ROOT) if args.output.is_relative_to(gen.ROOT)
             else args.output)
    print(f"\nwrote {shown} ({elapsed:.0f}s of requests)")

    if args.update_baseline:
        broken = [name for name, _p, result in results
                  if result.get("error") or "rendered no table rows" in result["failures"]]
        if broken:
            print(f"not updating the baseline: {', '.join(broken)} failed", file=sys.stderr)
            return 1
        if env["database"]["vendor"] != "postgresql" or counts["customers"] != \
                gen.SIZES["customers"]:
            print("warning: the baseline is meant for PostgreSQL at the default sizes",
                  file=sys.stderr)
        ceilings = {**CEILINGS, **baseline.get("ceilings", {})}
        new = {
            "comment": f"Goals = {HEADROOM:g}x the measured median and p95 (rounded up to 5 ms) "
                       f"and the measured queries + {QUERY_HEADROOM}, each capped by "
                       "`ceilings`. Regenerate with benchmarks/run.py --update-baseline.",
            "ceilings": ceilings,
            "measured_at": report["when"],
            "code": env["code"],
            "database_vendor": env["database"]["vendor"],
            "database_version": env["database"]["version"],
            "cpus": env["cpus"],
            "dataset": counts,
            "pages": {**goals_by_name},
            "measured": {**baseline.get("measured", {})},
        }
        for name, _path, result in results:
            new["pages"][name] = new_goals(result, ceilings)
            new["measured"][name] = {k: result[k] for k in
                                     ("median_ms", "p95_ms", "db_median_ms", "queries")}
        args.baseline.write_text(json.dumps(new, indent=2) + "\n")
        print(f"updated {args.baseline}")
        return 0
    print("all goals met" if ok else "GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
