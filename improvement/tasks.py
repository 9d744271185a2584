"""E-mail jobs: survey invitations and reminders, and the news digest. Each claims its
rows with a conditional update, so a duplicate delivery sends nothing twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import NewsDigestSubscription, NewsItem, Survey, SurveyRecipient

REMINDER_AFTER = timedelta(days=3)
MAX_REMINDERS = 2


def _site() -> str:
    return settings.SITE_URL


def _send_to(recipient: SurveyRecipient, *, reminder: bool) -> None:
    context = {
        "recipient": recipient,
        "survey": recipient.survey,
        "link": _site() + recipient.get_absolute_url(),
        "reminder": reminder,
    }
    subject = ("Reminder: " if reminder else "") + f"{recipient.survey.title} ({recipient.survey.partnership.name})"
    send_mail(
        subject=subject,
        message=render_to_string("improvement/email/survey_invitation.txt", context),
        from_email=None,
        recipient_list=[recipient.email],
    )


@shared_task(acks_late=True)
def send_survey_invitations(survey_id: int) -> int:
    sent = 0
    pending = SurveyRecipient.objects.filter(survey_id=survey_id, sent_at__isnull=True).select_related(
        "survey__partnership"
    )
    for recipient in pending:
        if not SurveyRecipient.objects.filter(pk=recipient.pk, sent_at__isnull=True).update(sent_at=timezone.now()):
            continue
        try:
            _send_to(recipient, reminder=False)
        except Exception:
            SurveyRecipient.objects.filter(pk=recipient.pk).update(sent_at=None)
            raise
        sent += 1
    return sent


@shared_task
def send_survey_reminders() -> int:
    """Beat job: reminds people who have not answered an open survey (at most twice, three
    days apart) and closes surveys past their closing date."""
    now, today = timezone.now(), timezone.localdate()
    Survey.objects.filter(status=Survey.Status.OPEN, closes_on__lt=today).update(status=Survey.Status.CLOSED)
    due = (
        SurveyRecipient.objects.filter(
            survey__status=Survey.Status.OPEN,
            responded_at__isnull=True,
            sent_at__lte=now - REMINDER_AFTER,
            reminders_sent__lt=MAX_REMINDERS,
        )
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMINDER_AFTER))
        .select_related("survey__partnership")
    )
    sent = 0
    for recipient in due:
        claimed = SurveyRecipient.objects.filter(pk=recipient.pk, reminders_sent=recipient.reminders_sent).update(
            reminders_sent=F("reminders_sent") + 1, last_reminded_at=now
        )
        if claimed:
            _send_to(recipient, reminder=True)
            sent += 1
    return sent


@shared_task
def send_news_digests() -> int:
    """Beat job: one e-mail per subscriber with the news published since their last digest."""
    now, sent = timezone.now(), 0
    for subscription in NewsDigestSubscription.objects.select_related("user", "partnership"):
        items = list(
            NewsItem.objects.filter(
                partnership=subscription.partnership, published_at__gt=subscription.sent_up_to, published_at__lte=now
            ).order_by("published_at")
        )
        if not items:
            continue
        claimed = NewsDigestSubscription.objects.filter(pk=subscription.pk, sent_up_to=subscription.sent_up_to).update(
            sent_up_to=now
        )
        if not claimed:
            continue
        send_mail(
            subject=f"News from {subscription.partnership.name}",
            message=render_to_string(
                "improvement/email/news_digest.txt",
                {"subscription": subscription, "items": items, "site": _site()},
            ),
            from_email=None,
            recipient_list=[subscription.user.email],
        )
        sent += 1
    return sent
