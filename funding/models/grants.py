"""Grants and other income, held back until their condition is met."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from partnership.models import Partnership

from ._common import MONEY, _full_view_partnership_ids
from .years import FundingYear


class GrantCondition(models.TextChoices):
    NONE = "none", "No condition: received when recorded"
    BUSINESS_PLAN_APPROVED = "business_plan_approved", "Business plan approved"
    HEADS_OF_AGREEMENT_SIGNED = "heads_of_agreement_signed", "Heads of agreement signed"
    MANUAL = "manual", "Another condition (described below, released by hand)"


class GrantQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=_full_view_partnership_ids(user))

    def released(self):
        return self.filter(released_on__isnull=False)

    def held(self):
        return self.filter(released_on__isnull=True)


class Grant(models.Model):
    """Income beyond contributions. A grant with a condition is held back until the
    condition is met; the page says what is held and why."""

    class Kind(models.TextChoices):
        PARTNERSHIP_PREMIUM = "partnership_premium", "Partnership premium (yearly)"
        START_UP = "start_up", "Start-up funding (one-off)"
        YEAR_FUNDING = "year_funding", "Funding for the year"
        OTHER = "other", "Other income"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="grants")
    funding_year = models.ForeignKey(FundingYear, on_delete=models.PROTECT, related_name="grants")
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    funder = models.CharField(max_length=160, blank=True, help_text="For example the local authority.")
    amount = models.DecimalField(**MONEY)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_grants",
        help_text="For money given for one school, such as start-up funding per school.",
    )
    condition = models.CharField(max_length=40, choices=GrantCondition.choices, default=GrantCondition.NONE)
    condition_detail = models.CharField(
        max_length=255, blank=True, help_text="What must happen before the money is released."
    )
    released_on = models.DateField(null=True, blank=True)
    release_note = models.CharField(max_length=255, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GrantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["funding_year", "released_on", "name"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_positive")]

    def __str__(self):
        return self.name

    @property
    def is_held(self) -> bool:
        return self.released_on is None

    @property
    def held_because(self) -> str:
        if not self.is_held:
            return ""
        if self.condition == GrantCondition.MANUAL:
            return self.condition_detail or "Waiting for a condition to be met."
        return f"Released when: {self.get_condition_display().lower()}."
