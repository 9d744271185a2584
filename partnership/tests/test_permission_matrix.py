"""Every URL pattern of the project, tried as every role."""

import importlib

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLES
from partnership.tests.matrix import Case

# URLs of third-party apps, with why they are outside the matrix.
EXEMPT_NAMESPACES = {"admin": "Django admin: staff users only, behind Django's own checks"}
EXEMPT_PREFIXES = {
    "account_": "allauth's sign-in, sign-out and password pages: open to everyone by design",
    "mfa_": "allauth's two-factor pages: each requires a signed-in user, checked by allauth",
}


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def is_exempt(name: str) -> bool:
    return name.split(":")[0] in EXEMPT_NAMESPACES or name.startswith(tuple(EXEMPT_PREFIXES))


def collect_cases() -> list[Case]:
    cases = []
    for app in settings.LOCAL_APPS:
        try:
            module = importlib.import_module(f"{app}.tests.matrix")
        except ModuleNotFoundError:
            continue
        cases.extend(getattr(module, "CASES", []))
    return cases


CASES = collect_cases()


def test_every_url_of_the_project_has_a_declared_expectation_for_every_role():
    covered = {case.url_name for case in CASES}
    missing = sorted(name for name in set(all_url_names()) if not is_exempt(name) and name not in covered)
    assert not missing, f"URLs without a permission matrix case: {missing}"
    for case in CASES:
        assert set(case.expect) == set(ROLES), f"{case.id} does not say what every role gets"


def test_every_case_names_a_url_that_exists():
    names = set(all_url_names())
    unknown = sorted({case.url_name for case in CASES} - names)
    assert not unknown, f"Matrix cases for URLs that do not exist: {unknown}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission_matrix(case, world, client):
    args = case.args(world)
    url = reverse(case.url_name, args=args)
    failures = []
    for role in ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        response = client.get(url) if case.method == "get" else client.post(url, case.data(world))
        expected = case.expect[role]
        if response.status_code != expected:
            failures.append(f"{role}: expected {expected}, got {response.status_code}")
        elif expected == 302 and user is None:
            assert "/accounts/login/" in response["Location"], (
                f"anonymous is sent to sign in, not {response['Location']}"
            )
    assert not failures, f"{case.method.upper()} {url}\n" + "\n".join(failures)
