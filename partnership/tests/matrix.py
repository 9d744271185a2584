"""The permission matrix: for every URL in the project, what each role gets.

Each app lists its cases in `<app>/tests/matrix.py` as `CASES`; the core test
(`test_permission_matrix.py`) collects them all and fails when any URL of the project has
no case, or a case does not say what every role gets.

Conventions: anonymous people are sent to sign in (302); users of another partnership get
404 (we do not admit the thing exists); people who may read but not write get 403.
The attacker partnership's roles (conftest.ATTACKER_ROLES) get what its coordinator, the
outsider, gets unless a case names them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from conftest import ATTACKER_ROLES, ROLES

MEMBERS = ["staff", "other_head", "head", "clerk", "la_officer", "coordinator"]


def statuses(default: int | None = None, **by_role: int) -> dict[str, int]:
    """Build a full role -> status table. Unnamed roles get `default`."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    table = {role: by_role.get(role, default) for role in ROLES}
    for role in set(ATTACKER_ROLES) - set(by_role):
        table[role] = table["outsider"]
    missing = [role for role, status in table.items() if status is None]
    if missing:
        raise ValueError(f"No expected status for {missing}")
    return table


def members_read(ok: int = 200) -> dict[str, int]:
    """Every member of the partnership may read; outsiders get 404."""
    return statuses(ok, anonymous=302, outsider=404)


def only(*roles: str, ok: int = 200, denied: int = 403) -> dict[str, int]:
    """Only `roles` may use it; other members get 403, outsiders 404."""
    return statuses(denied, anonymous=302, outsider=404, **{role: ok for role in roles})


@dataclass(frozen=True)
class Case:
    url_name: str
    expect: dict[str, int]
    args: Callable = field(default=lambda world: [])
    method: str = "get"
    data: Callable = field(default=lambda world: {})
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.method}{'-' + self.label if self.label else ''}]"


def _invitation_token(world):
    from partnership.tests.factories import InvitationFactory

    return [InvitationFactory(partnership=world.partnership, email="newcomer@example.org").token]


def _invitation_id(world):
    from partnership.tests.factories import InvitationFactory

    return [world.partnership.slug, InvitationFactory(partnership=world.partnership).pk]


def _slug(world):
    return [world.partnership.slug]


def _report_term(world):
    from partnership.models import Term

    return [world.partnership.slug, Term.current_for(world.partnership).pk]


def _ready_report(world):
    from partnership.models import Term
    from partnership.tests.factories import ready_report

    return [ready_report(partnership=world.partnership, term=Term.current_for(world.partnership)).pk]


# Termly reports: LA officers, coordinators, clerks and headteachers read them; staff do not.
REPORT_READERS = ("la_officer", "coordinator", "clerk", "head", "other_head")

CASES = [
    Case("home", statuses(302)),
    Case("ping", statuses(200, anonymous=302)),
    Case("dashboard", statuses(302)),
    Case("partnership_dashboard", members_read(), args=_slug),
    Case("term_list", members_read(), args=_slug),
    Case("term_list", only("coordinator"), args=_slug, method="post", label="add"),
    Case("invitation_list", only("coordinator"), args=_slug),
    Case("invitation_list", only("coordinator"), args=_slug, method="post", label="send"),
    Case("invitation_revoke", only("coordinator", ok=302), args=_invitation_id, method="post"),
    Case("audit_log", only("coordinator"), args=_slug),
    # The link in the e-mail works for anyone who holds it: the token is the secret.
    Case("accept_invitation", statuses(200), args=_invitation_token),
    Case("reports:report_list", only(*REPORT_READERS), args=_slug),
    Case("reports:report_term", only(*REPORT_READERS), args=_report_term),
    Case("reports:generate", only("coordinator", ok=302), args=_report_term, method="post"),
    Case("reports:report_status", only(*REPORT_READERS, ok=302), args=_ready_report),
    Case("reports:download_pdf", only(*REPORT_READERS), args=_ready_report),
    Case("reports:download_csv", only(*REPORT_READERS), args=_ready_report),
    # Every report of the partnerships the person reads reports for: the outsider sees their own.
    # Staff read no reports, in either partnership.
    Case("reports:overview", statuses(200, anonymous=302, staff=403, attacker_staff=403)),
]
