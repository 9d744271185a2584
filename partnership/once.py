"""One effect per form: a double submission is harmless.

A guarded form carries a one-time token (`{% once_token %}`, next to `{% csrf_token %}`),
signed for the signed-in user and dated. The view, decorated with `@once`, runs in one
transaction that first inserts the token's row: the unique index makes a second request with
the same token wait until the first commits, and then it finds the row, so the view never
runs twice. The second request is told "This was already done" and sent where the first went.
When the view does not succeed (the form is shown again with its errors, or it redirects
with an error message), the row is deleted in the same transaction: the person corrects the
form and sends it again with the same page.

A POST to a guarded view without a valid token is refused with a 400 page that says what to
do (reload the page and send the form again): every form of the portal carries one, so only
an out-of-date page or a script can send one without it, and neither should be able to pay,
book, vote, sign or send e-mail twice. Tokens last `MAX_AGE`; rows are kept a day longer and
then deleted by a nightly beat job, so a token can never be used again after its row is gone.

Usage, the decorator last (just above the function), under `login_required`:

    @login_required
    @require_POST
    @once
    def payment_add(request, pk, school_pk): ...
"""

import functools
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.shortcuts import redirect, render
from django.utils import timezone

FIELD = "once_token"
MAX_AGE = timedelta(days=2)
KEEP_ROWS_FOR = MAX_AGE + timedelta(days=1)
ALREADY_DONE = "This was already done: the form was sent more than once, and only the first one counted."
_SALT = "partnership.once"


class SubmissionToken(models.Model):
    """A form token that has been used: its first submission's outcome, until cleaned up."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome_url = models.CharField(max_length=2000, blank=True)

    class Meta:
        app_label = "partnership"

    def __str__(self):
        return f"{self.token} ({self.created_at:%Y-%m-%d %H:%M})"


class RefusedToken(Exception):
    """Why a POST's token cannot be used; the message is shown to the person."""


def new_token(user) -> str:
    """A fresh token for one rendering of one form, usable only by `user`."""
    return signing.TimestampSigner(salt=_SALT).sign(f"{user.pk}:{secrets.token_urlsafe(16)}")


def token_from(request) -> str:
    """The token's one-time part, after checking it is signed, recent and `request.user`'s."""
    value = request.POST.get(FIELD, "")
    if not value:
        raise RefusedToken(
            "It was sent without the portal's one-time form code: it may come from a page opened "
            "before the portal was updated, or from outside the portal."
        )
    try:
        owner, nonce = signing.TimestampSigner(salt=_SALT).unsign(value, max_age=MAX_AGE).split(":", 1)
    except signing.SignatureExpired:
        raise RefusedToken("The page it came from is more than two days old.") from None
    except (signing.BadSignature, ValueError):
        raise RefusedToken("Its one-time form code is not one the portal made.") from None
    if owner != str(request.user.pk):
        raise RefusedToken("It was made for another account.")
    return nonce


def _claim(request, nonce: str) -> SubmissionToken | None:
    """Insert the token's row; None when it is new, else the row of the first submission.
    A concurrent insert of the same token waits on the unique index until the first commits."""
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the outer transaction usable
            SubmissionToken.objects.create(token=nonce, user=request.user)
    except IntegrityError:
        return SubmissionToken.objects.filter(token=nonce).first() or SubmissionToken(user=request.user)
    return None


def _error_messages(request) -> int:
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return sum(1 for message in queued if message.level >= messages.ERROR)


def _succeeded(response, errors_before: int, request) -> bool:
    # The views answer success with a redirect; a form with errors is shown again (200),
    # and a refusal redirects with an error message.
    return 300 <= response.status_code < 400 and _error_messages(request) == errors_before


def _run_once(view, request, nonce, args, kwargs):
    with transaction.atomic():
        first = _claim(request, nonce)
        if first is not None:
            if first.user_id != request.user.pk:
                raise RefusedToken("It was made for another account.")
            messages.info(request, ALREADY_DONE)
            return redirect(first.outcome_url or request.path)
        errors_before = _error_messages(request)
        response = view(request, *args, **kwargs)
        claimed = SubmissionToken.objects.filter(token=nonce)
        if _succeeded(response, errors_before, request):
            claimed.update(outcome_url=response["Location"][:2000])
        else:
            claimed.delete()  # not done: the same page may be corrected and sent again
        return response


def once(view):
    """Run a view's POST at most once per form token (see the module's docstring)."""
    from .db import retry_on_lost_connection

    # A lost connection rolls back the token with the view's work, so running both again is safe.
    run = retry_on_lost_connection(_run_once)

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            return run(view, request, token_from(request), args, kwargs)
        except RefusedToken as refusal:
            return render(request, "partnership/once_refused.html", {"reason": str(refusal)}, status=400)

    guarded.is_once_guarded = True
    return guarded


def is_once_guarded(view) -> bool:
    return getattr(view, "is_once_guarded", False)


def delete_old_tokens() -> int:
    """Rows older than any token that could still be used; nightly on beat."""
    deleted, _ = SubmissionToken.objects.filter(created_at__lt=timezone.now() - KEEP_ROWS_FOR).delete()
    return deleted
