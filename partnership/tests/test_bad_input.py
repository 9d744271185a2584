"""Bad input never gives a 500: every POST of the permission matrix is sent junk by a role
allowed to use it, and every page is asked for with junk query parameters. A refused POST
(the form shown again with errors, or a 400) writes nothing."""

import traceback
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse

from partnership.models import AuditEntry
from partnership.testing import Client
from partnership.tests.crawl import PREFERENCE, rolled_back
from partnership.tests.test_permission_matrix import CASES

LONG = "x" * 10_000
# Values a careless view might parse: text for numbers and dates, impossible dates and
# numbers, a 10,000-character string and an id that does not exist.
JUNK_VALUES = ["abc", "-1", "99999999999999999999", LONG, "999999"]
# Control characters (NUL cannot be stored by PostgreSQL), superscript digits, a number in
# exponent notation and a date in year 1 (partnership/inputs.py); queries also get digits
# of another script.
HOSTILE_VALUES = ["a\x00b", "a\x07\x1bb", "²⁰²⁶", "1e5", "0001-01-01"]
JUNK_VALUES += HOSTILE_VALUES
JUNK_QUERY_VALUES = [*JUNK_VALUES, "²", "١٢"]
# Parameters list pages commonly read, whatever their own forms say.
COMMON_PARAMETERS = ["page", "sort", "q", "term", "year", "school", "status", "kind", "phase", "round"]


class FormFields(HTMLParser):
    """The names of every input, select and textarea of a page, by form method."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, set[str]] = {"get": set(), "post": set()}
        self._method = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._method = (attrs.get("method") or "get").lower()
        elif tag in ("input", "select", "textarea") and self._method in self.fields:
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken" and attrs.get("type") != "submit":
                self.fields[self._method].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._method = None


def form_fields(response) -> dict[str, set[str]]:
    parser = FormFields()
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        parser.feed(response.content.decode())
    return parser.fields


def allowed_role(case, statuses=(200,)) -> str | None:
    return next((role for role in PREFERENCE if case.expect.get(role) in statuses), None)


def junk_posts(data: dict, fields: set[str]) -> list[tuple[str, dict]]:
    """The empty form, every field junk at once, and each field negative with the others valid
    (so a negative number, or text where a date or choice is expected, reaches the form alone)."""
    names = sorted(set(data) | fields)
    variants = [("empty form", {})]
    for value in JUNK_VALUES:
        variants.append((f"every field {value[:20]!r}", {name: value for name in names}))
    for name in names:
        variants.append((f"{name}='-1'", {**data, name: "-1"}))
    return variants


def junk_queries(fields: set[str]) -> list[dict]:
    names = sorted(set(COMMON_PARAMETERS) | fields)
    return [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "999999"},
        {"sort": "bogus", "q": LONG, "term": "notanumber", "year": "x"},
        *({name: value for name in names} for value in JUNK_QUERY_VALUES),
    ]


def app_of(case) -> str:
    return case.url_name.split(":")[0] if ":" in case.url_name else "partnership"


APPS = sorted({app_of(case) for case in CASES})


def describe_error(error: Exception) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {str(error)[:120]} at {frame.filename}:{frame.lineno}"


class Crawl:
    """Runs each request inside a rolled-back transaction and records any server error."""

    def __init__(self, world):
        self.world = world
        self.failures: list[str] = []
        self.requests = 0

    def run(self, case, role, send):
        """send(client, url) -> response, inside a transaction that is always rolled back."""
        client = Client()
        client.force_login(self.world.user(role))
        with rolled_back(self.world):
            send(client, reverse(case.url_name, args=case.args(self.world)))

    def request(self, label, do, check=lambda response: None):
        """do() -> response, in a savepoint rolled back afterwards (or when the view raises)."""
        self.requests += 1
        try:
            with transaction.atomic():
                response = do()
                if response.status_code >= 500:
                    self.failures.append(f"{label}: status {response.status_code}")
                check(response)
                transaction.set_rollback(True)
        except Exception as error:  # the test client re-raises the view's exception
            self.failures.append(f"{label}: {describe_error(error)}")


def test_the_crawl_covers_most_of_the_matrix():
    posts = [case for case in CASES if case.method == "post" and allowed_role(case, (200, 302))]
    gets = [case for case in CASES if case.method == "get" and allowed_role(case)]
    assert len(posts) >= 20 and len(gets) >= 20, "the matrix has too few cases to prove anything"
    assert junk_posts({"amount": "5"}, {"note"})[:2] == [
        ("empty form", {}),
        ("every field 'abc'", {"amount": "abc", "note": "abc"}),
    ]


@pytest.mark.django_db
@pytest.mark.timeout(900)  # every form of an app, ten kinds of junk each
@pytest.mark.parametrize("app", APPS)
def test_junk_posted_to_every_form_never_gives_a_server_error_and_a_refused_form_writes_nothing(world, app):
    posts = [(case, allowed_role(case, (200, 302))) for case in CASES if case.method == "post" and app_of(case) == app]
    posts = [(case, role) for case, role in posts if role]
    if not posts:
        pytest.skip(f"{app} has no form anyone may post")
    crawl = Crawl(world)
    refused = fields_seen = 0

    def send(case, role):
        def post_junk(client, url):
            nonlocal fields_seen
            fields = form_fields(client.get(url))["post"]
            valid = case.data(world)  # may build objects (and audit them) before the count
            fields_seen += len(set(valid) | fields)
            audits = AuditEntry.objects.count()
            for variant, data in junk_posts(valid, fields):
                label = f"POST {case.id} {url} as {role} with {variant}"

                def writes_nothing_when_refused(response, label=label):
                    nonlocal refused
                    if response.status_code in (200, 400):
                        refused += 1
                        if AuditEntry.objects.count() != audits:
                            crawl.failures.append(f"{label}: refused ({response.status_code}) but audited a change")

                crawl.request(label, lambda data=data: client.post(url, data), writes_nothing_when_refused)

        return post_junk

    for case, role in posts:
        crawl.run(case, role, send(case, role))
    assert not crawl.failures, f"{len(crawl.failures)} of {crawl.requests} requests failed:\n" + "\n".join(
        crawl.failures
    )
    if fields_seen:
        assert refused, "no junk was refused: the check would prove nothing"


@pytest.mark.django_db
@pytest.mark.parametrize("app", APPS)
def test_junk_query_parameters_on_every_page_never_give_a_server_error(world, app):
    gets = [(case, allowed_role(case)) for case in CASES if case.method == "get" and app_of(case) == app]
    gets = [(case, role) for case, role in gets if role]
    assert gets, f"{app} has no page to visit"
    crawl = Crawl(world)

    def send(case, role):
        def get_junk(client, url):
            page = client.get(url)
            if not page.get("Content-Type", "").startswith("text/html"):
                return  # downloads (PDF, CSV, iCalendar) have no filters
            for query in junk_queries(form_fields(page)["get"]):
                shown = {name: value[:20] for name, value in query.items()}
                crawl.request(f"GET {case.id} {url} as {role} with {shown}", lambda query=query: client.get(url, query))

        return get_junk

    for case, role in gets:
        crawl.run(case, role, send(case, role))
    assert not crawl.failures, f"{len(crawl.failures)} of {crawl.requests} requests failed:\n" + "\n".join(
        crawl.failures
    )


SPOT_CHECKS = [
    ("term_list", "partnership.Term"),
    ("funding:grant_list", "funding.Grant"),
    ("governance:committee_create", "governance.Committee"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "model"), SPOT_CHECKS, ids=[url_name for url_name, _ in SPOT_CHECKS])
def test_a_refused_junk_form_adds_no_row(world, url_name, model):
    from django.apps import apps

    case = next(case for case in CASES if case.url_name == url_name and case.method == "post")
    rows = apps.get_model(model).objects
    client = Client()
    client.force_login(world.user(allowed_role(case, (200, 302))))
    url = reverse(case.url_name, args=case.args(world))
    names = list(case.data(world))  # may build objects before the count
    before = rows.count()

    for data in ({name: "abc" for name in names}, {name: LONG for name in names}):
        response = client.post(url, data)
        assert response.status_code == 200, "junk is shown again with errors"
        assert response.context["form"].errors
    assert client.post(url, {}).status_code == 200

    assert rows.count() == before
