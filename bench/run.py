"""`make bench`: seed (or reuse) the county and national sizes, measure, print a table and
write bench/results.json.

On PostgreSQL (DATABASE_URL=postgres://.../portal_bench) the national size lives in that
database and the county size in `<name>_county`; each is seeded once and reused while the
sizes and the registered seeders stay the same. On SQLite only the town size is measured,
in bench/data/town.sqlite3.
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import run_load  # noqa: E402

PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
RESULTS = ROOT / "bench" / "results.json"
SIZES = {"town": "town", "county": "county", "national": "national"}


def log(message: str) -> None:
    print(message, flush=True)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        memory_kb = 0
    return f"{os.cpu_count()} cores, {cpu}, {memory_kb / 1024 / 1024:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"Created database {name}.")


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def plan() -> tuple[list[tuple[str, dict]], str]:
    base = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "PORTAL_TESTING": "false",
        "LOG_LEVEL": "WARNING",
        # whitenoise warns that collectstatic has not run: the benchmark requests no static files
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        name = urlsplit(url).path.lstrip("/")
        county = with_database(url, f"{name}_county")
        return [
            ("county", {**base, "DATABASE_URL": county}),
            ("national", {**base, "DATABASE_URL": url}),
        ], "PostgreSQL"
    (ROOT / "bench" / "data").mkdir(exist_ok=True)
    env = {**base, "DATABASE_URL": "", "SQLITE_PATH": str(ROOT / "bench" / "data" / "town.sqlite3")}
    log(
        "DATABASE_URL does not point to PostgreSQL: measuring the town size on SQLite only. "
        "For the county and national sizes run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench make bench"
    )
    return [("town", env)], "SQLite"


def main() -> int:
    started = time.monotonic()
    scales, engine = plan()
    log(f"Benchmark on {machine()}; database: {engine}.")
    pages, problems, hooks, load = [], [], {}, None
    for index, (scale, env) in enumerate(scales):
        last = index == len(scales) - 1
        if engine == "PostgreSQL":
            ensure_database(env["DATABASE_URL"])
        log(f"{scale}: migrating and seeding (reused when already seeded)...")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_scale", "--size", SIZES[scale], "--if-needed")
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            args = ["--scale", scale, "--out", out.name]
            if index == 0:
                args.append("--hooks")
            if last:
                args.append("--load-session")
            subprocess.run([PYTHON, "-m", "bench.measure", *args], cwd=ROOT, env=env, check=True)
            measured = json.loads(Path(out.name).read_text())
        pages += measured["pages"]
        problems += measured["problems"]
        hooks = measured.get("hooks", hooks)
        if last:
            log(f"{scale}: load run (gunicorn, 2 workers, wrk with 10 connections)...")
            load = run_load(env, measured["load_session"], log=log)
    results = {
        "machine": machine(),
        "database": engine,
        "pages": pages,
        "report": hooks.get("report"),
        "gias_import": hooks.get("gias_import"),
        "inset_allocation": hooks.get("inset_allocation"),
        "load": load[0] if isinstance(load, list) and load else {"note": load},
        "load_pages": load if isinstance(load, list) else [],
        "problems": problems,
        "seconds": round(time.monotonic() - started, 1),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    log(f"Wrote {RESULTS.relative_to(ROOT)} in {results['seconds']:.0f} s.")
    return 0


def table(results: dict) -> str:
    """The pages side by side per scale, then the other figures."""
    scales = list(dict.fromkeys(row["scale"] for row in results["pages"]))
    by_key = {(r["name"], r["role"], r["scale"]): r for r in results["pages"]}
    keys = list(dict.fromkeys((r["name"], r["role"]) for r in results["pages"]))
    header = "| page | role | " + " | ".join(f"{s} p50 ms | {s} p95 ms | {s} queries" for s in scales) + " |"
    lines = [header, "|" + "---|" * (2 + 3 * len(scales))]
    for name, role in keys:
        cells = []
        for scale in scales:
            row = by_key.get((name, role, scale))
            cells += [f"{row['p50_ms']}", f"{row['p95_ms']}", f"{row['queries']}"] if row else ["-", "-", "-"]
        lines.append(f"| {name} | {role} | " + " | ".join(cells) + " |")
    lines.append("")
    for key, label in [
        ("report", "Termly report"),
        ("gias_import", "GIAS import"),
        ("inset_allocation", "INSET allocation"),
    ]:
        value = results.get(key) or {}
        shown = value.get("note") or ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"- {label}: {shown}")
    if results["load_pages"]:
        for row in results["load_pages"]:
            lines.append(
                f"- Load, {row['page']} (10 connections): {row['rps']:.0f} requests/s, p95 {row['p95_ms']} ms; "
                f"trivial signed-in view {row['trivial_rps']:.0f} requests/s (p95 {row['trivial_p95_ms']} ms); ratio {row['ratio']}"
            )
    else:
        lines.append(f"- Load: {results['load'].get('note')}")
    for problem in results["problems"]:
        lines.append(f"- Not measured: {problem}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
