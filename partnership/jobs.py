"""Queueing Celery jobs so that a broker outage never loses a user's request.

`enqueue_on_commit(task, *args)` sends the task after the surrounding transaction commits.
If the broker (Redis) refuses, the refusal is logged, the message is kept in the database
(`UnsentTask`: `send_unsent_tasks` sends it again within a minute of the broker's return,
e-mails included) and, when given, `on_refused(*args)` is called to mark the job's row; a
row-backed job is also sent again by its app's sweep (`requeue_stale`) if it stays QUEUED.
Jobs are idempotent, so a second message is harmless. The returned `Dispatch` tells the
view what happened, once the commit is done.

Every place that queues a job goes through `send_now` or `enqueue_on_commit`: they send
fire-and-forget (no result is kept, so the result backend is never contacted) and give up
within 2 s when Redis is down (settings: CELERY_TASK_PUBLISH_RETRY_POLICY and the timeouts).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import redis.exceptions
from celery.exceptions import BackendError
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

# Redis unreachable, as the broker or as the result backend, or the socket failing under it.
BROKER_ERRORS = (
    BrokerOperationalError,
    BackendError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


@dataclass
class Dispatch:
    """What became of one queued message: `sent` is None until the transaction commits."""

    task_name: str
    args: tuple
    sent: bool | None = None

    @property
    def refused(self) -> bool:
        return self.sent is False


def send_now(task, *args, keep_if_refused: bool = True) -> bool:
    """Send `task` with `args` now; False (logged) if the broker refused it, in which case
    the message is kept as an `UnsentTask` to be sent again (unless `keep_if_refused` is off)."""
    if task.app.conf.task_always_eager:
        task.delay(*args)  # no broker: the task runs here, and its own errors are its own
        return True
    try:
        # Nobody waits on the result, so none is asked for: sending then needs only the broker.
        task.apply_async(args, ignore_result=True)
    except BROKER_ERRORS as error:
        logger.warning("The broker refused %s%r; it will be sent again: %s", task.name, args, error)
        if keep_if_refused:
            _keep(task.name, args)
        return False
    return True


def _keep(task_name: str, args: tuple) -> None:
    from django.db import DatabaseError

    from .models import UnsentTask

    try:
        UnsentTask.objects.create(task_name=task_name, args=list(args))
    except DatabaseError:  # the database is down too: the app's own sweep is the last resort
        logger.exception("Could not keep the refused message %s%r.", task_name, args)


def send_unsent(limit: int = 500) -> int:
    """Sends the kept messages, oldest first, deleting each one the broker takes; stops at
    the first refusal (the broker is still down). Returns how many were sent."""
    from celery import current_app

    from .models import UnsentTask

    sent = 0
    for row in UnsentTask.objects.order_by("pk")[:limit]:
        task = current_app.tasks.get(row.task_name)
        if task is None:  # a task renamed or removed since: nothing can run it
            logger.error("Dropping the kept message %s: no such task.", row)
            row.delete()
            continue
        if not send_now(task, *row.args, keep_if_refused=False):
            UnsentTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            break
        row.delete()
        sent += 1
    return sent


def enqueue_on_commit(
    task, *args, on_refused: Callable[..., object] | None = None, keep_if_refused: bool = True
) -> Dispatch:
    """Queue `task(*args)` once the current transaction commits (at once outside one)."""
    dispatch = Dispatch(task_name=task.name, args=args)

    def send():
        dispatch.sent = send_now(task, *args, keep_if_refused=keep_if_refused)
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
            enqueue_on_commit(task_for(pk, *extra), pk, keep_if_refused=False)  # the sweep is the retry
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
        enqueue_on_commit(task_for(pk, *extra), pk, keep_if_refused=False)  # the sweep is the retry
        sent.add(pk)
    return sent
