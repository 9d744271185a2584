from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from django import forms
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from .backends import may_sign_in

DEMO_ACCOUNT_REFUSED = (
    "Demo accounts cannot sign in on this site: their password is public. "
    "Sign in with your own account, or ask your coordinator for an invitation."
)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Nobody signs themselves up: a coordinator invites people by e-mail.
        return False

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        # The backends refuse a demo account outside DEBUG; allauth still hands back an
        # account whose password matched (to say why), so say it here rather than let it in.
        if user is not None and user.is_active and not may_sign_in(user):
            raise forms.ValidationError(DEMO_ACCOUNT_REFUSED)
        return user

    def get_client_ip(self, request) -> str:
        """The address sign-in attempts are counted against. X-Forwarded-For is read only
        through ALLAUTH_TRUSTED_PROXY_COUNT proxies (settings: TRUSTED_PROXY_COUNT)."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer addresses than trusted proxies: the request came round one of them, so
            # the farthest address a proxy of ours recorded is the best there is.
            ip = clean_client_ip(request.headers["X-Forwarded-For"].split(",")[0])
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            return ip
