"""The load run: gunicorn with 2 workers on 127.0.0.1 and wrk, bounded in time and requests,
against signed-in pages and the trivial signed-in view /ping/ served the same way."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk_report.lua"
CONNECTIONS = 10
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "20000"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, cookie: str) -> int:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wrk(url: str, cookie: str, seconds: int, max_requests: int) -> dict:
    env = {**os.environ, "BENCH_SESSION": cookie, "BENCH_MAX_REQUESTS": str(max_requests)}
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA), url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = [line for line in output.stdout.splitlines() if line.startswith("{")][-1]
    data = json.loads(line)
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def run_load(env: dict, session: dict, log=print) -> list[dict] | str:
    """Returns one row per page in the results.json `load` shape, or why it did not run."""
    if shutil.which("wrk") is None:
        return "not available: wrk is not installed (apt-get install wrk)"
    pages = {"trivial": session["trivial"], **session["urls"]}
    results = _serve_and_load(env, pages, session["cookie"], log)
    if isinstance(results, str):
        return results
    # The dashboard again with its panel cache off: every request renders every panel.
    uncached = _serve_and_load(
        {**env, "DASHBOARD_CACHE_SECONDS": "0"},
        {"dashboard, uncached": session["urls"]["dashboard"]},
        session["cookie"],
        log,
    )
    if isinstance(uncached, str):
        return uncached
    results.update(uncached)
    trivial = results.pop("trivial")
    return [
        {
            "page": name,
            "rps": round(r["rps"], 1),
            "p95_ms": round(r["p95_us"] / 1000, 1),
            "trivial_rps": round(trivial["rps"], 1),
            "ratio": round(r["rps"] / trivial["rps"], 2),
            "p50_ms": round(r["p50_us"] / 1000, 1),
            "trivial_p95_ms": round(trivial["p95_us"] / 1000, 1),
            "requests": r["requests"],
            "connections": CONNECTIONS,
        }
        for name, r in results.items()
    ]


def _serve_and_load(env: dict, pages: dict, cookie: str, log) -> dict | str:
    """wrk's figures for each of `pages` ({name: path}) served by a fresh gunicorn, or why not."""
    with tempfile.TemporaryFile() as errors:  # not a pipe: a chatty server must never block on it
        return _serve(env, pages, cookie, errors, log)


def _serve(env: dict, pages: dict, cookie: str, errors, log) -> dict | str:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**env, "CONN_MAX_AGE": "600", "DJANGO_DEBUG": "false", "LOG_LEVEL": "WARNING"}
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "partnership.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    errors.seek(0)
                    return f"failed: gunicorn did not start: {errors.read().decode()[-500:]}"
                time.sleep(0.3)
        results = {}
        for name, path in pages.items():
            status = fetch(base + path, cookie)
            if status != 200:
                return f"failed: {path} answered {status} to the signed-in session"
            wrk(base + path, cookie, 2, 2000)  # warm up: connections, caches
            results[name] = wrk(base + path, cookie, SECONDS, MAX_REQUESTS)
            r = results[name]
            log(f"  load {name} ({path}): {r['rps']:.0f} requests/s, p95 {r['p95_us'] / 1000:.1f} ms")
            if r["non_2xx"] or r["socket_errors"]:
                return f"failed: {path}: {r['non_2xx']} error responses, {r['socket_errors']} socket errors"
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results
