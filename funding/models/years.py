"""Funding years and how a partnership runs them."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from partnership.models import Partnership
from partnership.permissions import visible_partnership_ids


class FundingSettings(models.Model):
    """How a partnership runs its money. By default the LA financial year (1 April to 31 March)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="funding_settings")
    year_start_month = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="The month the funding year starts: 4 for the LA financial year (1 April to 31 March).",
    )

    def __str__(self):
        return f"Funding settings of {self.partnership}"

    @classmethod
    def for_partnership(cls, partnership) -> "FundingSettings":
        return cls.objects.get_or_create(partnership=partnership)[0]


class FundingYearQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=visible_partnership_ids(user))

    def containing(self, day: date):
        return self.filter(start__lte=day, end__gte=day)


class FundingYear(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="funding_years")
    label = models.CharField(max_length=40, help_text="For example 2026/27.")
    start = models.DateField()
    end = models.DateField()
    is_closed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FundingYearQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="funding_year_ends_after_start"),
            models.UniqueConstraint(fields=["partnership", "start"], name="one_funding_year_per_start"),
        ]

    def __str__(self):
        return f"Funding year {self.label}"

    def get_absolute_url(self):
        return reverse("funding:year_detail", args=[self.pk])

    @property
    def status(self) -> str:
        return "Closed" if self.is_closed else "Open"
