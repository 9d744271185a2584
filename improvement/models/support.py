from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from partnership.models import Partnership

MONEY = {"max_digits": 10, "decimal_places": 2}


class SupportRequest(models.Model):
    """A school's need for support, raised by its head or by the coordinator, then
    matched to a provider from the expertise directory and agreed."""

    class Status(models.TextChoices):
        RAISED = "raised", "Raised"
        MATCHED = "matched", "Matched"
        AGREED = "agreed", "Agreed"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="support_requests")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="support_requests")
    need = models.TextField(help_text="What the school needs help with, and why now.")
    specialism = models.ForeignKey(
        "schools.Specialism",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The expertise wanted, used to find providers.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RAISED, db_index=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    provider_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="support_offered"
    )
    provider_person = models.ForeignKey(
        "schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="support_offered"
    )
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self):
        return f"Support for {self.school}"

    def get_absolute_url(self):
        return reverse("improvement:request_detail", args=[self.pk])


class SupportAgreement(models.Model):
    """What was agreed: objectives, baseline and target, days and cost, dates. Its cost is
    filed as school-to-school support spending, paid to `paid_to`, when it closes."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    request = models.OneToOneField(SupportRequest, on_delete=models.CASCADE, related_name="agreement")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="support_agreements")
    receiving_school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="support_received")
    supporting_school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="support_given")
    supporting_leader = models.ForeignKey(
        "schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="support_agreements"
    )
    objectives = models.TextField()
    baseline = models.TextField()
    target = models.TextField()
    days = models.DecimalField(max_digits=5, decimal_places=1)
    cost_per_day = models.DecimalField(**MONEY)
    starts_on = models.DateField()
    ends_on = models.DateField()
    paid_to = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="support_payments",
        help_text="The school paid for the supporting leader's time.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agreed_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(null=True, blank=True)
    evaluation = models.TextField(blank=True, help_text="The receiving school's evaluation.")
    target_met = models.CharField(
        max_length=10, blank=True, choices=[("met", "Met"), ("partly", "Partly met"), ("not_met", "Not met")]
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    spending_ref = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="support_days_positive"),
            models.CheckConstraint(condition=Q(cost_per_day__gte=0), name="support_cost_not_negative"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="support_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.supporting_school} supporting {self.receiving_school}"

    def get_absolute_url(self):
        return reverse("improvement:agreement_detail", args=[self.pk])

    @property
    def total_cost(self) -> Decimal:
        return (self.days * self.cost_per_day).quantize(Decimal("0.01"))

    @property
    def source_ref(self) -> str:
        return f"improvement:support-agreement:{self.pk}"


class SupportVisit(models.Model):
    agreement = models.ForeignKey(SupportAgreement, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    days_used = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("1.0"))
    notes = models.TextField(help_text="What was done, and what was agreed next.")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]


class SupportReview(models.Model):
    """A review point: progress and the impact so far, measured against the target."""

    agreement = models.ForeignKey(SupportAgreement, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    rag = models.CharField(
        "RAG status", max_length=10, choices=[("green", "Green"), ("amber", "Amber"), ("red", "Red")]
    )
    impact = models.TextField(help_text="Impact so far against the target.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
