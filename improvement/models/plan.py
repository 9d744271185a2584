from django.conf import settings
from django.db import models
from django.urls import reverse

from partnership.models import Partnership
from partnership.permissions import visible_partnership_ids


class Rag(models.TextChoices):
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: some concerns"
    RED = "red", "Red: off track"


class PlanQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=visible_partnership_ids(user))


class Plan(models.Model):
    """A development or business plan for a period. Approval by the strategic committee
    is a recorded decision: who recorded it, when, and the minute reference."""

    class Kind(models.TextChoices):
        DEVELOPMENT = "development", "Development plan"
        BUSINESS = "business", "Business plan"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="improvement_plans")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DEVELOPMENT)
    starts_on = models.DateField()
    ends_on = models.DateField()
    summary = models.TextField(blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_minute_ref = models.CharField("minute reference", max_length=80, blank=True)
    approval_meeting = models.CharField(
        "committee meeting", max_length=200, blank=True, help_text="For example: Strategic committee, 3 March 2026."
    )
    # The governance decision that approved the plan, when it was recorded in the portal; the
    # minute reference and meeting above stay as the record for approvals made elsewhere.
    approval_decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="plan_ends_after_start")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("improvement:plan_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None


class Priority(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    lead = models.ForeignKey(
        "schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_priorities"
    )
    baseline = models.TextField(help_text="Where we start, with the figure if there is one.")
    target = models.TextField(help_text="Where we want to be by the end of the plan.")
    measures = models.TextField(blank=True, help_text="How progress is measured.")
    milestones = models.TextField(blank=True, help_text="One per line, with a date.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("improvement:priority_detail", args=[self.pk])

    @property
    def milestone_list(self) -> list[str]:
        return [line.strip() for line in self.milestones.splitlines() if line.strip()]


class PriorityUpdate(models.Model):
    """A status recorded at a review point. Never edited: the history shows what changed when."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="updates")
    reviewed_on = models.DateField()
    rag = models.CharField("RAG status", max_length=10, choices=Rag.choices)
    commentary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.priority}: {self.get_rag_display()} on {self.reviewed_on}"
