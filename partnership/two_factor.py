"""Two-factor authentication that is passed in this session, not only set up.

allauth keeps, in the session, a record of each way the person proved who they are
(`record_authentication`): a password, and "mfa" once they entered a code from their
authenticator (at sign-in, or when asked again). The roles that need two-factor see data
only in a session holding an "mfa" record for the signed-in account.
"""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from .permissions import has_totp, needs_two_factor


def passed_second_factor(request: HttpRequest) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    # The records belong to the account they were made for: another account signed in on
    # the same session does not inherit them.
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def second_factor_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    """Where a person who must use two-factor goes before seeing any data, or None if the
    session may go ahead: to set up an authenticator if they have none, else to enter a code."""
    if not needs_two_factor(request.user):
        return None
    step = "mfa_reauthenticate" if has_totp(request.user) else "mfa_activate_totp"
    if step == "mfa_reauthenticate" and passed_second_factor(request):
        return None
    return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
