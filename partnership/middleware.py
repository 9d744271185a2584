from django.http import HttpResponse
from django.shortcuts import render

from .inputs import has_control_characters
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


class InputGuardMiddleware:
    """Refuses, with the 400 page, what no view can use: control characters in the address
    or query string, and NUL anywhere in posted data (PostgreSQL cannot store it), so views
    that read request.GET or request.POST directly are safe too. Forms refuse the other
    control characters field by field (partnership/inputs.py). Parsing the body here, before
    CSRF and the view, also lets an upload over the size limit get the 413 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path_info) or any(
            has_control_characters(key) or has_control_characters(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            return refuse(request, 400, "The address contains control characters (invisible characters).")
        if request.method == "POST":
            posted = request.POST  # parses the body: the upload handlers run now
            refused = getattr(request, "upload_refused", "")
            if refused:
                return refuse(request, 413, refused)
            names = [upload.name or "" for upload in request.FILES.values()]
            if any("\x00" in text for key, values in posted.lists() for text in (key, *values)) or any(
                has_control_characters(name) for name in names
            ):
                return refuse(request, 400, "The form contains a NUL character, which cannot be stored.")
        return self.get_response(request)


def refuse(request, status: int, reason: str):
    return render(request, f"{status}.html", {"reason": reason}, status=status)
