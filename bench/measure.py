"""Measures one seeded database, inside Django: `python -m bench.measure --scale county --out f.json`.

- every registered bench page for each of its roles: median and 95th percentile time through
  the whole middleware stack (Django's test client, in process), and the SQL query count;
- with --hooks: the optional benchmarks other areas expose (termly report, GIAS import, INSET
  allocation), each run in a transaction that is rolled back;
- with --load-session: a signed-in session for the load run, and the URLs to load.
"""

import argparse
import importlib
import json
import math
import os
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.pages import bench_pages, find_target, school_list_page  # noqa: E402
from partnership.testing import Client  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WARM_UP = 2

# The optional hooks: (result key, module, function, keyword arguments, the keys it reports).
HOOKS = [
    (
        "report",
        "partnership.reports.bench",
        "report_benchmark",
        {"schools": 300},
        ["schools", "total_s", "weasyprint_only_s", "ratio"],
    ),
    ("gias_import", "schools.gias", "benchmark_import", {"rows": 50000}, ["rows", "rows_per_s"]),
    (
        "inset_allocation",
        "cpd.allocation",
        "benchmark",
        {"staff": 1500, "workshops": 60},
        ["staff", "workshops", "seconds", "first_choice_share"],
    ),
    (
        "minutes_pdf",
        "governance.bench",
        "minutes_pdf_benchmark",
        {"items": 30},
        ["items", "job_seconds", "weasyprint_seconds", "ratio", "queries"],
    ),
]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure_one(client, url: str) -> tuple[list[float], int, int]:
    """Times of REPEAT requests in ms, the query count of one, and the status code."""
    for _ in range(WARM_UP):
        response = client.get(url)
    if response.status_code != 200:
        return [], 0, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the next request clears the log
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times, queries, 200


def measure_pages(scale: str, target) -> tuple[list[dict], list[str]]:
    rows, problems = [], []
    clients = {}
    for page in bench_pages():
        url = reverse(page.url_name, args=page.args(target))
        for role in page.roles:
            user = target.users.get(role)
            if user is None:
                problems.append(f"{page.name}: no {role} in {target.partnership.slug}")
                continue
            if role not in clients:
                clients[role] = Client()
                clients[role].force_login(user)
            with override_settings(**dict(page.settings)):
                times, queries, status = measure_one(clients[role], url)
            if status != 200:
                problems.append(f"{page.name} as {role}: {url} answered {status}, not measured")
                continue
            rows.append(
                {
                    "name": page.name,
                    "role": role,
                    "scale": scale,
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(percentile(times, 0.95), 1),
                    "queries": queries,
                }
            )
    return rows, problems


def run_hooks() -> dict:
    results = {}
    for key, module_name, function_name, kwargs, keys in HOOKS:
        where = f"{module_name}.{function_name}"
        try:
            function = getattr(importlib.import_module(module_name), function_name)
        except (ImportError, AttributeError):
            results[key] = {k: None for k in keys} | {"note": f"not available: {where} does not exist yet"}
            continue
        try:
            with transaction.atomic():
                outcome = function(**kwargs)
                transaction.set_rollback(True)
        except Exception as error:  # a failing hook is reported, never turned into a number
            traceback.print_exc()
            results[key] = {k: None for k in keys} | {"note": f"failed: {where}: {error!r}"}
            continue
        outcome = outcome if isinstance(outcome, dict) else {}
        missing = [k for k in keys if k not in outcome]
        # The keys first, then whatever else the hook reports (CPU times, query counts).
        results[key] = (
            {k: outcome.get(k) for k in keys}
            | {k: v for k, v in outcome.items() if k not in keys}
            | ({"note": f"{where} did not report {missing}"} if missing else {})
        )
    return results


def load_session(target) -> dict:
    """A coordinator's session cookie, and the URLs the load run requests."""
    client = Client()
    client.force_login(target.users["coordinator"])
    urls = {"dashboard": reverse("partnership_dashboard", args=[target.partnership.slug])}
    page = school_list_page()
    missing = []
    if page is not None:
        urls["school list"] = reverse(page.url_name, args=page.args(target))
    else:
        missing.append("load run on the school list: no bench page named 'school list' is registered yet")
    return {"cookie": client.cookies["sessionid"].value, "urls": urls, "trivial": reverse("ping"), "missing": missing}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--hooks", action="store_true")
    parser.add_argument("--load-session", action="store_true")
    options = parser.parse_args()
    target = find_target()
    schools = target.partnership.school_memberships.count()
    print(f"  {options.scale}: measuring {target.partnership.slug} ({schools} memberships)", flush=True)
    pages, problems = measure_pages(options.scale, target)
    result = {"pages": pages, "problems": problems, "target": target.partnership.slug}
    if options.hooks:
        result["hooks"] = run_hooks()
    if options.load_session:
        result["load_session"] = load_session(target)
    Path(options.out).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
