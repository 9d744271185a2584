"""Failed sign-ins are counted per account and per client address. The address is read from
X-Forwarded-For only through the configured number of trusted reverse proxies
(TRUSTED_PROXY_COUNT), so behind the proxy one person's typing does not lock out everyone,
and a client cannot pick the address it is counted under."""

import pytest
from django.test import Client as PlainClient
from django.urls import reverse

from conftest import PASSWORD
from partnership.tests.test_runtime import run_manage

pytestmark = pytest.mark.django_db
LOCKED = "Too many failed login attempts"


def sign_in(client, email, password, **headers):
    response = client.post(reverse("account_login"), {"login": email, "password": password}, **headers)
    return response, client.session.get("_auth_user_id")


def test_five_wrong_passwords_lock_that_account_everywhere_but_not_another_account_at_the_same_address(world):
    for _ in range(5):
        sign_in(PlainClient(), "head@example.org", "not-the-password")

    # The same address: another person signs in.
    response, signed_in = sign_in(PlainClient(), "clerk@example.org", PASSWORD)
    assert signed_in == str(world.user("clerk").pk)
    # The account itself is locked, from any address, even with the right password.
    response, signed_in = sign_in(PlainClient(REMOTE_ADDR="192.0.2.44"), "head@example.org", PASSWORD)
    assert LOCKED in response.content.decode() and signed_in is None


def test_one_address_trying_many_accounts_is_held_back_whatever_x_forwarded_for_it_sends(world):
    for n in range(19):
        sign_in(PlainClient(), f"nobody{n}@example.org", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # Nineteen failures from this address: a real person there still signs in (a success
    # gives back what it counted).
    response, signed_in = sign_in(PlainClient(), "head@example.org", PASSWORD)
    assert signed_in == str(world.user("head").pk)

    sign_in(PlainClient(), "nobody19@example.org", "guess", HTTP_X_FORWARDED_FOR="198.51.100.19")
    response, signed_in = sign_in(PlainClient(), "clerk@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert LOCKED in response.content.decode() and signed_in is None

    response, signed_in = sign_in(PlainClient(REMOTE_ADDR="192.0.2.10"), "clerk@example.org", PASSWORD)
    assert signed_in == str(world.user("clerk").pk)


def test_behind_one_trusted_proxy_the_address_the_proxy_saw_is_counted(world, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The client sends its own (false) X-Forwarded-For; the proxy appends the address it saw.
    for n in range(5):
        sign_in(
            PlainClient(**proxy), f"nobody{n}@example.org", "guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.5"
        )
    response, signed_in = sign_in(
        PlainClient(**proxy), "clerk@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert signed_in == str(world.user("clerk").pk), "five failures from one address do not lock it"
    for n in range(5, 20):
        sign_in(
            PlainClient(**proxy), f"nobody{n}@example.org", "guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.5"
        )

    response, signed_in = sign_in(
        PlainClient(**proxy), "head@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5"
    )
    assert LOCKED in response.content.decode() and signed_in is None
    # Everyone else behind the same proxy signs in.
    response, signed_in = sign_in(
        PlainClient(**proxy), "head@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert signed_in == str(world.user("head").pk)


def test_a_request_with_fewer_forwarded_addresses_than_trusted_proxies_is_counted_not_refused(world, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response, signed_in = sign_in(PlainClient(), "head@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 302 and signed_in == str(world.user("head").pk)


def test_the_number_of_trusted_proxies_comes_from_the_environment():
    shown = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    assert run_manage("shell", "--no-imports", "-c", shown, env_extra={}).stdout.strip() == "0"
    one = run_manage("shell", "--no-imports", "-c", shown, env_extra={"TRUSTED_PROXY_COUNT": "1"})
    assert one.stdout.strip() == "1"
    wrong = run_manage("check", env_extra={"TRUSTED_PROXY_COUNT": "one"})
    assert wrong.returncode != 0 and "TRUSTED_PROXY_COUNT must be a whole number" in wrong.stderr
