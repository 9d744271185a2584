from django.conf import settings
from django.db import models

from partnership.models import Partnership


class Category(models.Model):
    """One step of the partnership's categorisation rubric, kept as data. `rank` orders
    the steps from 1 (can lead support) up to the most need."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="improvement_categories")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, help_text="The rubric: what puts a school in this category.")
    rank = models.PositiveSmallIntegerField(help_text="1 for the least need for support.")
    needs_support = models.BooleanField(default=False, help_text="Schools in this category should have support.")

    class Meta:
        ordering = ["partnership", "rank"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "rank"], name="one_category_per_rank"),
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_category_name"),
        ]

    def __str__(self):
        return self.name


class Categorisation(models.Model):
    """The category the partnership agreed for a school for an academic year, with the
    evidence. Confidential: the school's head, coordinators and LA officers only."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="categorisations")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="categorisations")
    academic_year = models.PositiveSmallIntegerField(help_text="The year it starts: 2026 for 2026/27.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="categorisations")
    evidence = models.TextField()
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-academic_year", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "school", "academic_year"], name="one_category_per_school_year"
            )
        ]

    def __str__(self):
        return f"{self.school}: {self.category} ({self.year_label})"

    @property
    def year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"
