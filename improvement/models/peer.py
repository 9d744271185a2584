from django.conf import settings
from django.db import models
from django.urls import reverse

from partnership.models import Partnership


class PeerReviewRound(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="peer_review_rounds")
    name = models.CharField(max_length=160)
    starts_on = models.DateField()
    ends_on = models.DateField()
    focus = models.CharField(max_length=200, blank=True, help_text="The round's common focus, if any.")

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("improvement:round_detail", args=[self.pk])


class PeerReviewGroup(models.Model):
    """A triad (or any small group): each school is reviewed by the others."""

    round = models.ForeignKey(PeerReviewRound, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=80)
    schools = models.ManyToManyField("schools.School", related_name="peer_review_groups")

    class Meta:
        ordering = ["round", "name"]

    def __str__(self):
        return self.name


class PeerReview(models.Model):
    """One school reviewed by the rest of its group. The report is seen by the reviewed
    school and the coordinator, and by the whole partnership once the school shares it."""

    group = models.ForeignKey(PeerReviewGroup, on_delete=models.CASCADE, related_name="reviews")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="peer_reviews")
    reviewers = models.ManyToManyField("schools.School", related_name="peer_reviews_given")
    reviewer_names = models.CharField(max_length=300, blank=True, help_text="The people who visited.")
    focus = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    reported_on = models.DateField(null=True, blank=True)
    is_shared = models.BooleanField(default=False)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["group", "school__name"]
        constraints = [models.UniqueConstraint(fields=["group", "school"], name="one_review_per_school_group")]

    def __str__(self):
        return f"Peer review of {self.school}"

    def get_absolute_url(self):
        return reverse("improvement:review_detail", args=[self.pk])


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=160)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description
