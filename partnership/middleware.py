from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .inputs import has_control_characters
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
