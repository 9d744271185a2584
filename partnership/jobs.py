"""Queueing Celery jobs so that a broker outage never loses a user's request.

`enqueue_on_commit(task, *args)` sends the task after the surrounding transaction commits.
If the broker (Redis) refuses, the refusal is logged and, when given, `on_refused(*args)` is
called to mark the job's row; the row stays in the database, QUEUED, and the app's sweep (a
beat job, `requeue_stale`) sends it again once the broker is back. Jobs are idempotent, so a second message is
harmless. The returned `Dispatch` tells the view what happened, once the commit is done.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import redis.exceptions
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerOperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


@dataclass
class Dispatch:
    """What became of one queued message: `sent` is None until the transaction commits."""

    task_name: str
    args: tuple
    sent: bool | None = None

    @property
    def refused(self) -> bool:
        return self.sent is False


def send_now(task, *args) -> bool:
    """Send `task` with `args` now; False (logged) if the broker refused it."""
    if task.app.conf.task_always_eager:
        task.delay(*args)  # no broker: the task runs here, and its own errors are its own
        return True
    try:
        task.delay(*args)
    except BROKER_ERRORS as error:
        logger.warning("The broker refused %s%r; its row is left for the sweep: %s", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task, *args, on_refused: Callable[..., object] | None = None) -> Dispatch:
    """Queue `task(*args)` once the current transaction commits (at once outside one)."""
    dispatch = Dispatch(task_name=task.name, args=args)

    def send():
        dispatch.sent = send_now(task, *args)
        if not dispatch.sent and on_refused is not None:
            on_refused(*args)

    transaction.on_commit(send)
    return dispatch


def requeue_stale(
    model,
    *,
    since_field: str,
    older_than,
    task_for: Callable[..., object],
    extra_fields=(),
    queued_field: str | None = "created_at",
) -> int:
    """Puts rows a dead worker left RUNNING back to QUEUED and sends their task again; then,
    when `queued_field` names their creation time, `resend_queued` for rows never taken.

    `model` has a `status` field with `Status.RUNNING` and `Status.QUEUED`; RUNNING rows whose
    `since_field` is older than `older_than` (a timedelta) are stale. `task_for(pk, *extra)`
    names the task to send, `extra` being the values of `extra_fields`. Shared by the apps'
    job sweeps (beat jobs)."""
    from django.utils import timezone

    running, queued = model.Status.RUNNING, model.Status.QUEUED
    stale = model.objects.filter(status=running, **{f"{since_field}__lt": timezone.now() - older_than})
    requeued = set()
    for pk, *extra in stale.values_list("pk", *extra_fields):
        # Conditional, so a worker that finishes meanwhile is not undone.
        if model.objects.filter(pk=pk, status=running).update(status=queued):
            enqueue_on_commit(task_for(pk, *extra), pk)
            requeued.add(pk)
    if queued_field:
        requeued |= resend_queued(
            model,
            queued_field=queued_field,
            older_than=older_than,
            task_for=task_for,
            extra_fields=extra_fields,
            exclude=requeued,
        )
    return len(requeued)


def resend_queued(
    model, *, queued_field: str, older_than, task_for: Callable[..., object], extra_fields=(), exclude=()
) -> set:
    """Sends again the task of rows still QUEUED `older_than` after `queued_field`: their
    message was refused by a broker that was down, or lost. Every task claims its row
    QUEUED -> RUNNING with a conditional update, so a second message for a row another
    worker has taken does nothing. Returns the rows' ids."""
    from django.utils import timezone

    waiting = model.objects.filter(
        status=model.Status.QUEUED, **{f"{queued_field}__lt": timezone.now() - older_than}
    ).exclude(pk__in=exclude)
    sent = set()
    for pk, *extra in waiting.values_list("pk", *extra_fields):
        enqueue_on_commit(task_for(pk, *extra), pk)
        sent.add(pk)
    return sent
