"""Security checks over the whole project: CSP, CSRF on every form, login rate limiting and
two-factor sign-in. (`check --deploy` is tested in test_runtime.py.)"""

import time
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from conftest import PASSWORD
from partnership.testing import Client
from partnership.tests.crawl import PREFERENCE, pages_to_visit, rolled_back
from partnership.tests.test_permission_matrix import CASES


class PostForms(HTMLParser):
    """Collects every <form method="post"> and whether it carries a CSRF token."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._open = {"action": attrs.get("action") or "(this page)", "id": attrs.get("id"), "token": False}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and attrs.get("name") == "csrfmiddlewaretoken":
            self._open["token"] = bool(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict]:
    parser = PostForms()
    parser.feed(html)
    return parser.forms


def script_sources(policy: str) -> list[str]:
    """The sources scripts may come from: script-src, or else default-src."""
    directives = {}
    for directive in policy.split(";"):
        name, *values = directive.split() or [""]
        directives[name] = values
    return directives.get("script-src", directives.get("default-src", []))


def test_the_form_parser_notices_a_post_form_without_a_token():
    html = (
        '<form method="get"></form><form method="POST" action="/a/"><input name="x"></form>'
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t"></form>'
    )
    assert [form["token"] for form in post_forms(html)] == [False, True]
    assert script_sources("default-src 'self'; script-src 'self' 'unsafe-inline'") == ["'self'", "'unsafe-inline'"]


@pytest.mark.django_db
def test_every_page_sends_a_csp_without_unsafe_inline_scripts_and_every_post_form_has_a_csrf_token(world):
    visits = pages_to_visit(world)
    assert len(visits) >= 5, "the crawl found too few pages"
    pages = [(visit.case_id, visit.url, role) for visit in visits for role in visit.roles]
    pages.append(("sign-in page", reverse("account_login"), "anonymous"))
    failures, forms_seen = [], 0
    for case_id, url, role in pages:
        client = Client()
        if world.user(role) is not None:
            client.force_login(world.user(role))
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{case_id} {url} as {role}: status {response.status_code}")
            continue
        policy = response.get("Content-Security-Policy", "")
        sources = script_sources(policy)
        if not policy or not sources:
            failures.append(f"{url} as {role}: no Content-Security-Policy with script-src")
        elif "'unsafe-inline'" in sources or "'unsafe-eval'" in sources:
            failures.append(f"{url} as {role}: script-src allows {sources}")
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # downloads (PDF, CSV, iCalendar) and /ping/ have no forms
        for form in post_forms(response.content.decode()):
            forms_seen += 1
            if not form["token"]:
                failures.append(f"{url} as {role}: <form method=post action={form['action']}> has no CSRF token")
    assert not failures, "\n".join(failures)
    assert forms_seen > 0, "the crawl saw no form at all: the check would prove nothing"


def _allowed_role(case) -> str | None:
    return next((role for role in PREFERENCE if case.expect.get(role) in (200, 302)), None)


@pytest.mark.django_db
def test_every_post_of_the_permission_matrix_without_a_csrf_token_is_refused(world):
    posts = [case for case in CASES if case.method == "post" and _allowed_role(case)]
    assert posts, "no POST case to try"
    failures = []
    for case in posts:
        role = _allowed_role(case)
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user(role))
        # Each case builds its own objects; roll them back so the next case starts clean.
        with rolled_back(world):
            url = reverse(case.url_name, args=case.args(world))
            response = client.post(url, case.data(world))
        if response.status_code != 403:
            failures.append(f"{case.id} {url} as {role}: {response.status_code}, not 403")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_sign_in_form_without_a_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "head@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(world):
    client = Client()
    login = reverse("account_login")
    for _ in range(5):
        response = client.post(login, {"login": "head@example.org", "password": "not-the-password"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    response = client.post(login, {"login": "head@example.org", "password": PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another person's sign-in from elsewhere is not blocked by the first person's attempts.
    other = Client(REMOTE_ADDR="192.0.2.10")
    response = other.post(login, {"login": "clerk@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(world.user("clerk").pk)


def _totp_code(user, *, offset=0) -> str:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


@pytest.mark.django_db
def test_a_coordinator_with_totp_is_asked_for_the_code_and_only_the_right_code_signs_in(world):
    coordinator = world.user("coordinator")
    client = Client()

    response = client.post(reverse("account_login"), {"login": coordinator.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session, "the password alone must not sign in"
    page = client.get(response["Location"]).content.decode()
    assert "authenticator code" in page

    wrong = client.post(reverse("mfa_authenticate"), {"code": _totp_code(coordinator, offset=10)})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": _totp_code(coordinator)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    dashboard = client.get(reverse("partnership_dashboard", args=[world.partnership.slug]))
    assert dashboard.status_code == 200


@pytest.mark.django_db
def test_a_headteacher_without_two_factor_signs_in_with_the_password_alone(world):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "head@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.user("head").pk)
