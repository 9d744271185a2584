from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import has_totp, needs_two_factor

# Pages a person must reach to set up two-factor authentication or leave.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/invite/", "/healthz")


class RequireTwoFactorMiddleware:
    """Coordinators and LA officers see no data until they have set up TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # has_totp comes with the grants in one query, read afresh on every request, so
        # removing the authenticator brings the requirement back at once.
        if request.path.startswith(ALLOWED_PREFIXES) or not needs_two_factor(request.user) or has_totp(request.user):
            return self.get_response(request)
        return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")


class HealthCheckMiddleware:
    """Answers /healthz before host checks and the HTTPS redirect, so container health
    checks on 127.0.0.1 work in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from django.db import connection

            connection.ensure_connection()
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)
