"""The demo's accounts have verified e-mail addresses, so the demo's committee members
receive full papers as real members would."""

import pytest
from allauth.account.models import EmailAddress

from partnership.demo import DEMO_ACCOUNTS, seed_demo

pytestmark = pytest.mark.django_db


def test_seed_demo_marks_every_demo_accounts_email_verified_and_primary():
    seed_demo()

    emails = {email for email, *_rest in DEMO_ACCOUNTS.values()}
    verified = set(EmailAddress.objects.filter(verified=True, primary=True).values_list("email", flat=True))
    assert emails and emails <= verified
