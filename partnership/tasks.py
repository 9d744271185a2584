from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def send_invitation_email(invitation_id: int) -> bool:
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("partnership", "invited_by", "school").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.status != "Pending":
        return False
    context = {"invitation": invitation, "accept_url": settings.SITE_URL + invitation.get_accept_url()}
    send_mail(
        subject=f"You are invited to the {invitation.partnership} portal",
        message=render_to_string("partnership/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True


@shared_task
def send_unsent_tasks() -> int:
    """Every minute: send again the messages the broker refused while it was down."""
    from .jobs import send_unsent

    return send_unsent()


@shared_task
def clear_expired_sessions() -> None:
    """Nightly: sessions past their expiry are deleted (Django leaves them in the table)."""
    from importlib import import_module

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task
def delete_old_form_tokens() -> int:
    """Nightly: used form tokens past their expiry are deleted (see partnership.once)."""
    from .once import delete_old_tokens

    return delete_old_tokens()


@shared_task(ignore_result=False)
def ping(value: int) -> int:
    """A trivial task used to check that a worker is reachable: its caller waits for the answer."""
    return value + 1


# Termly report jobs live in partnership/reports/tasks.py; imported here so the worker,
# which discovers `<app>.tasks`, registers them.
from .reports.tasks import (  # noqa: E402, F401
    notify_report_ready,
    queue_reports_for_ended_terms,
    render_termly_report,
    requeue_stale_reports,
)
