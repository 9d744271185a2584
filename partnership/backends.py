"""Who may sign in at all. Demo accounts have a password printed in the README: they work
on a development machine (DEBUG) and nowhere else, however they were created."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


def may_sign_in(user) -> bool:
    return user.is_active and not (user.is_demo and not settings.DEBUG)


class RefusesDemoAccountsMixin:
    # Django asks this at sign-in and again on every request that reads the session's
    # user (`get_user`), so a demo account's session stops working once DEBUG is off.
    def user_can_authenticate(self, user) -> bool:
        return may_sign_in(user)


class ModelBackend(RefusesDemoAccountsMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(RefusesDemoAccountsMixin, AllauthBackend):
    pass
