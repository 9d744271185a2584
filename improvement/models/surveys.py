import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from partnership.models import Partnership


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Audience(models.TextChoices):
        HEADS = "heads", "Headteachers"
        STAFF = "staff", "Staff"
        GOVERNORS = "governors", "Governors"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    audiences = models.JSONField(default=list, blank=True, help_text="Audience values it was sent to.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    closes_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("improvement:survey_detail", args=[self.pk])

    def audience_labels(self) -> str:
        labels = dict(self.Audience.choices)
        return ", ".join(labels.get(a, a) for a in self.audiences)


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", "Rating from 1 to 5"
        CHOICE = "choice", "Choose from a list"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    choices = models.TextField(blank=True, help_text="For a list: one choice per line.")
    is_required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey", "position", "pk"]

    def __str__(self):
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SurveyRecipient(models.Model):
    """One person asked to answer: their personal link carries `token`. The answers are
    kept on the row ({question id: answer}) once they respond."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    school = models.ForeignKey("schools.School", null=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey("schools.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    audience = models.CharField(max_length=10, choices=Survey.Audience.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["survey", "school__name", "name"]
        constraints = [models.UniqueConstraint(fields=["survey", "email"], name="one_invitation_per_survey_email")]

    def __str__(self):
        return f"{self.name} ({self.survey})"

    def get_absolute_url(self):
        return reverse("improvement:survey_respond", args=[self.token])
