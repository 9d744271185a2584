from django.http import HttpResponse

from .two_factor import second_factor_redirect

# Pages a person must reach to set up two-factor authentication, pass it, or leave. The
# rest of /accounts/ (e-mail addresses, password change) waits for the second factor.
ALLOWED_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/static/",
    "/healthz",
)


class RequireTwoFactorMiddleware:
    """Coordinators, LA officers, staff and superusers see no data (the Django admin
    included) until this session has passed two-factor authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # path_info is what URL routing reads; request.path starts with SCRIPT_NAME, which a
        # client can set ("/accounts") to pass for an allowed page while reaching any other.
        if request.path_info.startswith(ALLOWED_PREFIXES):
            return self.get_response(request)
        # Whether an authenticator is set up comes with the grants, read afresh on every
        # request, so removing it brings the requirement back at once.
        return second_factor_redirect(request) or self.get_response(request)


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
