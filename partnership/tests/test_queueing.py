"""Queueing a job touches only the broker, and only through partnership/jobs.py."""

import re
from pathlib import Path

import pytest

from partnership.celery import app

ROOT = Path(__file__).resolve().parents[2]
# The tasks whose caller waits for the return value, and so keep a result.
WAITED_ON = {"partnership.tasks.ping"}


def test_only_the_tasks_a_caller_waits_on_keep_a_result():
    app.loader.import_default_modules()
    keeping = {name for name, task in app.tasks.items() if not name.startswith("celery.") and not task.ignore_result}
    assert keeping == WAITED_ON


def test_every_job_is_queued_through_the_jobs_module():
    """`send_now` and `enqueue_on_commit` keep a message the broker refuses; a bare
    `.delay()` or `.apply_async()` would lose it and fail the request."""
    queueing = re.compile(r"\.(delay|apply_async|send_task|s|si)\(|\bsignature\(")
    stragglers = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0].startswith(".") or "tests" in relative.parts or relative.parts[0] in {"bench", "journeys"}:
            continue
        if relative.as_posix() in {"partnership/jobs.py", "conftest.py"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if queueing.search(line):
                stragglers.append(f"{relative}:{number}: {line.strip()}")
    assert stragglers == []


@pytest.mark.parametrize("task_name", ["partnership.tasks.send_invitation_email", "cpd.tasks.render_document"])
def test_send_now_asks_for_no_result_so_the_result_backend_is_never_contacted(task_name, monkeypatch, db):
    from partnership.jobs import send_now

    app.loader.import_default_modules()
    task = app.tasks[task_name]
    sent = []
    app.conf.task_always_eager = False  # the autouse fixture puts it back
    monkeypatch.setattr(type(task), "apply_async", lambda self, args, **options: sent.append((args, options)))
    assert send_now(task, 7) is True
    assert sent == [((7,), {"ignore_result": True})]
