"""The Django admin signs in through the portal's own sign-in (allauth), with its rate limits
and two-factor step, and lets staff in only in a session that passed the second factor."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def second_factor_redirect(request):
    # Imported when asked: this module is loaded with the app registry, before models.
    from .two_factor import second_factor_redirect

    return second_factor_redirect(request)


class PortalAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and second_factor_redirect(request) is None

    def login(self, request, extra_context=None):
        # The admin's own form would check the password alone, with no rate limit.
        if request.user.is_authenticated:
            step = second_factor_redirect(request)
            if step is not None:
                return step
            # Signed in, second factor passed or not needed, and still not let in.
            raise PermissionDenied(f"{request.user.email} has no access to the administration site.")
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


class PortalAdminConfig(AdminConfig):
    default_site = "partnership.admin_site.PortalAdminSite"
