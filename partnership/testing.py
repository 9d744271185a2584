"""Signed-in test clients that look like a real sign-in.

`Client.force_login` skips the sign-in form; here it also writes, the way allauth does at
sign-in (`record_authentication`), that the session passed the password and, for a user
with an authenticator, the second factor. Tests and benchmarks use it to reach pages as a
coordinator without typing codes; a test of the two-factor rule builds its session itself.
"""

import time

from django.http import HttpRequest
from django.test import Client as DjangoClient


def record_sign_in(client: DjangoClient, user) -> None:
    """Write into the client's session that `user` signed in with a password and, if they
    have a TOTP authenticator, passed the second factor with it."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    request = HttpRequest()
    request.session = client.session
    record_authentication(request, user, "password", email=user.email)
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()


class Client(DjangoClient):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        record_sign_in(self, user)


def totp_code(user, *, offset: int = 0) -> str:
    """The code the user's authenticator app shows now (`offset` steps of 30 s away)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))
