"""A second partnership on the same deployment tries every object URL of the first.

The attacker partnership ("elsewhere", in the same local authority) has a coordinator (the
matrix's "outsider"), a clerk, a headteacher and staff of its own school, and a
per-partnership LA officer. Each of them tries every URL of the permission matrix that
names a thing of winsford (its slug, or a pk or token of one of its records), by GET and by
POST (with the case's form data), also with its own slug in place of winsford's: each attempt
is refused, no row of any table changes and no e-mail is sent, even once the tasks it might
have queued have run.
"""

import hashlib

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from conftest import ATTACKER_ROLES
from partnership.tests.test_permission_matrix import CASES, all_url_names, is_exempt

# Links whose token is the secret: whoever holds the link may use it, so the attacker who
# somehow has it is no different from its owner. Each app tests that the token is needed.
TOKEN_URLS = {
    "accept_invitation": "the invitation link e-mailed to the invitee",
    "governance:calendar_feed": "a calendar feed's secret address",
    "cpd:feed": "a calendar feed's secret address",
    "cpd:follow_up": "the impact follow-up link e-mailed to the participant",
    "improvement:survey_respond": "a survey recipient's personal link",
}
# Records the attacker partnership made itself, between the two partnerships: its proposal
# that winsford's school join it (schools/tests/test_consent.py tries it from both sides).
OWN_RECORD_URLS = {
    "schools:join_request_detail": "the attacker's own proposal, which it follows",
    "schools:join_request_decide": "the attacker's own proposal, which only the school decides",
    "schools:join_request_withdraw": "the attacker's own proposal, which its coordinator may withdraw",
}
# Addresses whose record after the slug is shared by the partnerships of a local authority, so
# the attacker's own slug in front of it is the attacker's own page.
SHARED_RECORD_URLS = {
    "reports:report_term": "the world's terms are the local authority's",
    "reports:generate": "the world's terms are the local authority's",
}
# Tables a refused request may write: the attacker's own session, and the one-time form
# token a guarded view claims before it checks permission (rolled back with the refusal;
# the fingerprint shows nothing of it stays).
UNWATCHED_TABLES = {"django_session", "partnership_submissiontoken"}
WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
REFUSED = {403, 404, 405}
ATTACKERS = ["outsider", *ATTACKER_ROLES]


def names_an_object(url_name: str) -> bool:
    """Whether the URL names something (needs arguments), rather than being a page of one's own."""
    try:
        reverse(url_name)
    except NoReverseMatch:
        return True
    return False


OBJECT_CASES = [
    case
    for case in CASES
    if names_an_object(case.url_name) and case.url_name not in TOKEN_URLS and case.url_name not in OWN_RECORD_URLS
]


def database_fingerprint() -> dict[str, str]:
    """A digest of every row of every table of the project (a few milliseconds on the test world)."""
    tables = sorted(set(connection.introspection.table_names()) - UNWATCHED_TABLES)
    fingerprint = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            fingerprint[table] = hashlib.blake2b("\n".join(rows).encode(), digest_size=16).hexdigest()
    return fingerprint


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def is_refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_every_object_url_of_the_project_is_tried_except_secret_links():
    object_urls = {name for name in all_url_names() if not is_exempt(name) and names_an_object(name)}
    tried = {case.url_name for case in OBJECT_CASES}
    assert tried == object_urls - set(TOKEN_URLS) - set(OWN_RECORD_URLS)
    assert not tried & {"home", "dashboard", "reports:overview"}, "pages of one's own are not object URLs"


def sessions_of(client, users: dict) -> dict[str, str]:
    """Sign each user in once (through the test client, as every test does) and keep the session
    cookie: switching cookies between attempts writes nothing, signing in again would."""
    cookie = settings.SESSION_COOKIE_NAME
    sessions = {}
    for role, user in users.items():
        client.cookies.pop(cookie, None)  # a fresh session; logout() would delete the last one
        client.force_login(user)
        sessions[role] = client.cookies[cookie].value
    return sessions


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(WRITE_STATEMENTS)
        and not any(table in query["sql"] for table in UNWATCHED_TABLES)
    ]


@pytest.mark.parametrize("case", OBJECT_CASES, ids=[case.id for case in OBJECT_CASES])
def test_the_attacker_partnership_is_refused_and_changes_nothing(
    case, world, client, django_capture_on_commit_callbacks
):
    args = case.args(world)
    urls = [reverse(case.url_name, args=args)]
    if len(args) > 1 and args[0] == world.partnership.slug and case.url_name not in SHARED_RECORD_URLS:
        # The attacker's own partnership in the address, winsford's record after it.
        urls.append(reverse(case.url_name, args=[world.other_partnership.slug, *args[1:]]))
    sessions = sessions_of(client, {role: world.user(role) for role in ATTACKERS})
    # Form data may create rows (a school to add, a file to upload): made before the snapshot.
    data = {(role, url): case.data(world) for role in ATTACKERS for url in urls}
    before = database_fingerprint()
    failures = []
    for role in ATTACKERS:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        client.once_user = world.user(role)  # form tokens are the attacker's own, as from their pages
        for url in urls:
            for method in ("get", "post"):
                mail.outbox.clear()
                # Run what a request queues on commit, so a task that writes or sends is caught too.
                with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
                    response = client.get(url) if method == "get" else client.post(url, data[role, url])
                attempt = f"{role} {method.upper()} {url}"
                if response.wsgi_request.user != world.user(role):
                    failures.append(f"{attempt}: made as {response.wsgi_request.user}, not as the attacker")
                if not is_refused(response):
                    failures.append(f"{attempt}: {response.status_code} {response.get('Location', '')}".rstrip())
                failures += [f"{attempt}: wrote {sql[:200]}" for sql in writes(queries)]
                if mail.outbox:
                    failures.append(f"{attempt}: sent {[message.subject for message in mail.outbox]}")
    changed = changed_tables(before, database_fingerprint())
    if changed:
        failures.append(f"rows changed in {', '.join(changed)}")
    assert not failures, "\n".join(failures)


def test_the_attacker_partnership_works_in_its_own_partnership(world, client):
    """The refusals above are about winsford: the same accounts use their own partnership."""
    from governance.tests.factories import CommitteeFactory
    from partnership.models import LocalAuthorityGrant

    CommitteeFactory(partnership=world.partnership, name="Winsford strategy board")
    CommitteeFactory(partnership=world.other_partnership, name="Elsewhere strategy board")
    own_committees = reverse("governance:committee_list", args=[world.other_partnership.slug])
    for role in ATTACKERS:
        client.logout()
        client.force_login(world.user(role))
        dashboard = client.get(reverse("partnership_dashboard", args=[world.other_partnership.slug]))
        assert dashboard.status_code == 200, role
        assert "Elsewhere Partnership" in dashboard.content.decode(), role
        committees = client.get(own_committees).content.decode()
        assert "Elsewhere strategy board" in committees, role
        assert "Winsford strategy board" not in committees, role
    # Its LA officer is an officer of the partnership, not of the whole local authority (who
    # would legitimately see every partnership of it).
    assert not LocalAuthorityGrant.objects.filter(user=world.user("attacker_officer")).exists()


def test_pages_of_ones_own_show_the_attacker_partnership_only_its_own_things(world, client):
    from partnership.models import Term
    from partnership.tests.factories import TermFactory, ready_report

    theirs = ready_report(partnership=world.other_partnership, term=Term.current_for(world.other_partnership))
    winsford = ready_report(partnership=world.partnership, term=Term.current_for(world.partnership))
    winsford_term = TermFactory(partnership=world.partnership, local_authority=world.partnership.local_authority)
    for role in ["outsider", "attacker_head", "attacker_clerk", "attacker_officer"]:
        client.logout()
        client.force_login(world.user(role))
        assert client.get(reverse("home"))["Location"] == world.other_partnership.get_absolute_url(), role
        # Asking for winsford's reports by name shows only their own, with a message.
        page = client.get(reverse("reports:overview"), {"partnership": world.partnership.slug}, follow=True)
        content = page.content.decode()
        assert reverse("reports:download_pdf", args=[theirs.pk]) in content, role
        assert reverse("reports:download_pdf", args=[winsford.pk]) not in content, role
        assert "Winsford" not in content, role
        assert "That partnership is not one of yours" in content, role
        # Winsford's own term dates are not theirs, even behind their own slug.
        term_url = reverse("reports:report_term", args=[world.other_partnership.slug, winsford_term.pk])
        assert client.get(term_url).status_code == 404, role
