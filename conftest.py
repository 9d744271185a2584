"""Shared test fixtures: the standard world of roles, real services, the browser."""

import os
import re
from dataclasses import dataclass, field

os.environ.setdefault("PORTAL_TESTING", "true")
# Playwright's sync API runs an event loop; Django refuses ORM calls inside one unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a-long-pass-phrase"

# The second partnership on the same deployment ("elsewhere", same local authority) is an
# attacker: its coordinator is "outsider"; these are its other people.
ATTACKER_ROLES = ["attacker_staff", "attacker_head", "attacker_clerk", "attacker_officer"]
# Every role the permission matrix knows, in the order its tables print.
ROLES = ["anonymous", "staff", "other_head", "head", "clerk", "la_officer", "coordinator", "outsider", *ATTACKER_ROLES]


def needs_service(what: str) -> None:
    """Skip on a developer machine without the service; in CI a missing service is a failure."""
    message = f"{what} is not available"
    if IN_CI:
        pytest.fail(f"{message}, and CI must test against the real services.")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _tasks_run_inline_and_cache_is_clean():
    """Tasks run eagerly unless a test asks for the real worker; no state leaks between tests."""
    from django.core.cache import cache

    from partnership.celery import app

    app.conf.task_always_eager = True
    cache.clear()
    yield
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _posts_carry_the_form_token_a_page_would(request, monkeypatch):
    """A POST to an `@once` view gets a fresh one-time token, as from the page a browser shows
    (partnership/tests/once.py); tests of the token itself send their own, or opt out."""
    if request.node.get_closest_marker("without_once_token"):
        return
    from django.test import Client

    from partnership.tests.once import with_once_token

    post, login, logout = Client.post, Client._login, Client.logout

    def post_with_token(self, path, data=None, *args, **kwargs):
        return post(self, path, with_once_token(self, path, data), *args, **kwargs)

    def remember_user(self, user, *args, **kwargs):
        self.once_user = user  # known without reading the session (the database may be down)
        return login(self, user, *args, **kwargs)

    def forget_user(self):
        self.once_user = None
        return logout(self)

    monkeypatch.setattr(Client, "post", post_with_token)
    monkeypatch.setattr(Client, "_login", remember_user)
    monkeypatch.setattr(Client, "logout", forget_user)


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, tmp_path):
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")},
    }
    settings.STORAGES = {**settings.STORAGES, "default": storage, "private": storage}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from Redis."""
    from celery.contrib.testing.worker import start_worker

    from partnership.celery import app

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        needs_service("Redis (set REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.exceptions.ConnectionError:
        needs_service(f"Redis at {redis_url}")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        yield app
    app.conf.task_always_eager = True


@dataclass
class World:
    """One partnership with two schools, a second (attacker) partnership with a school of its
    own, and a user for every role."""

    partnership: object
    other_partnership: object
    school: object
    other_school: object
    foreign_school: object
    users: dict = field(default_factory=dict)

    def user(self, role):
        return self.users.get(role)

    def term_holding_today(self):
        """The current term, made to hold today: in a school holiday the partnership gets
        its own term around today (its own dates win), so tests of "this term" that record
        things today pass on any day of the year."""
        from datetime import timedelta

        from django.utils import timezone

        from partnership.models import Term

        today = timezone.localdate()
        term = Term.current_for(self.partnership)
        if term.start <= today <= term.end:
            return term
        return Term.objects.create(
            partnership=self.partnership, local_authority=self.partnership.local_authority, season=term.season,
            academic_year=term.academic_year, start=today - timedelta(days=20), end=today + timedelta(days=20),
        )  # fmt: skip


def give_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


def build_world() -> World:
    from partnership.models import Role, RoleGrant
    from partnership.tests.factories import LocalAuthorityFactory, PartnershipFactory, TermFactory, UserFactory
    from schools.tests.factories import MembershipFactory, SchoolFactory

    la = LocalAuthorityFactory(code="896", name="Cheshire West and Chester")
    partnership = PartnershipFactory(name="Winsford Education Partnership", slug="winsford", local_authority=la)
    other = PartnershipFactory(name="Elsewhere Partnership", slug="elsewhere", local_authority=la)
    school = SchoolFactory(name="Darnhall Primary School", number_of_pupils=412)
    other_school = SchoolFactory(name="Grange Primary School", number_of_pupils=318)
    foreign_school = SchoolFactory(name="Faraway Primary School")
    MembershipFactory(partnership=partnership, school=school)
    MembershipFactory(partnership=partnership, school=other_school)
    MembershipFactory(partnership=other, school=foreign_school)
    from django.utils import timezone

    from partnership.demo import academic_year_of, term_dates

    year = academic_year_of(timezone.localdate())
    for season, start, end in term_dates(year):
        TermFactory(partnership=None, local_authority=la, season=season, academic_year=year, start=start, end=end)

    world = World(partnership, other, school, other_school, foreign_school)
    world.users["anonymous"] = None
    grants = {
        "staff": (partnership, Role.STAFF, school),
        "other_head": (partnership, Role.HEADTEACHER, other_school),
        "head": (partnership, Role.HEADTEACHER, school),
        "clerk": (partnership, Role.CLERK, None),
        "la_officer": (partnership, Role.LA_OFFICER, None),
        "coordinator": (partnership, Role.COORDINATOR, None),
        "outsider": (other, Role.COORDINATOR, None),
        # The attacker partnership's own people; its LA officer is per-partnership (not LA-wide).
        "attacker_staff": (other, Role.STAFF, foreign_school),
        "attacker_head": (other, Role.HEADTEACHER, foreign_school),
        "attacker_clerk": (other, Role.CLERK, None),
        "attacker_officer": (other, Role.LA_OFFICER, None),
    }
    for role, (where, granted, at_school) in grants.items():
        user = UserFactory(email=f"{role}@example.org", password=PASSWORD)
        RoleGrant.objects.create(user=user, partnership=where, role=granted, school=at_school)
        if granted in {Role.COORDINATOR, Role.LA_OFFICER}:
            give_totp(user)
        world.users[role] = user
    return world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client():
    """pytest-django's client, whose force_login also records a passed second factor for a
    user with an authenticator (as signing in through the form does): partnership/testing.py."""
    from partnership.testing import Client

    return Client()


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> the test client, signed in as that user (or anonymous for None)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


# Browser tests: Debian's Chromium through Playwright; never a downloaded browser.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        needs_service(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


def sign_in_browser(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    if "/accounts/2fa/authenticate/" in page.url:  # the account has an authenticator
        from partnership.models import User
        from partnership.testing import totp_code

        page.get_by_label("Code").fill(totp_code(User.objects.get(email=email)))
        page.get_by_role("button", name=re.compile("sign in", re.I)).click()
