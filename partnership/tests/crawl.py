"""The crawl shared by the accessibility and security tests: every GET URL of the permission
matrix that answers 200 to at least one signed-in role."""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from partnership.tests.test_permission_matrix import CASES

# Who visits a page in the browser: the most privileged role allowed to see it.
PREFERENCE = ["coordinator", "clerk", "head", "la_officer", "staff", "other_head", "outsider"]


@dataclass(frozen=True)
class Visit:
    case_id: str
    url: str
    role: str  # the preferred role allowed to see it
    roles: tuple[str, ...]  # every signed-in role that gets 200


def pages_to_visit(world) -> list[Visit]:
    visits = []
    for case in CASES:
        if case.method != "get":
            continue
        roles = tuple(role for role in PREFERENCE if case.expect.get(role) == 200)
        if not roles:
            continue
        visits.append(Visit(case.id, reverse(case.url_name, args=case.args(world)), roles[0], roles))
    return visits


@contextmanager
def rolled_back(world):
    """Run one matrix case's set-up and requests, then undo them: the database in a
    rolled-back transaction, and the objects case builders cache on `world`."""
    cached = dict(vars(world))
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        vars(world).clear()
        vars(world).update(cached)
