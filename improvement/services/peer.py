import random
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import record
from schools.models import School

from ..models import FollowUpAction, PeerReview, PeerReviewGroup, PeerReviewRound


@transaction.atomic
def create_round(*, partnership, name, starts_on: date, ends_on: date, focus="", actor) -> PeerReviewRound:
    if ends_on < starts_on:
        raise ValidationError("The round must end on or after the day it starts.")
    review_round = PeerReviewRound.objects.create(
        partnership=partnership, name=name.strip(), starts_on=starts_on, ends_on=ends_on, focus=focus.strip()
    )
    record(actor=actor, verb="improvement.peer_round.created", target=review_round)
    return review_round


def last_round_pairs(review_round) -> set[frozenset]:
    """Pairs of schools where one reviewed the other in the round before this one."""
    previous = (
        PeerReviewRound.objects.filter(partnership_id=review_round.partnership_id, starts_on__lt=review_round.starts_on)
        .order_by("-starts_on", "-pk")
        .first()
    )
    if previous is None:
        return set()
    through = PeerReview.reviewers.through.objects.filter(peerreview__group__round=previous)
    return {frozenset(pair) for pair in through.values_list("peerreview__school_id", "school_id")}


def _sizes(count: int, size: int) -> list[int]:
    if count <= size:
        return [count] if count else []
    groups = count // size
    sizes = [size] * groups
    for i in range(count - groups * size):
        sizes[i % groups] += 1
    return sizes


def suggest_groups(*, school_ids: list[int], avoid: set[frozenset], size: int = 3, tries: int = 400) -> list[list[int]]:
    """Groups of `size` (a few one larger when the schools do not divide evenly) with as few
    avoided pairs inside a group as possible; the same input always gives the same answer."""
    ids = sorted(school_ids)
    sizes = _sizes(len(ids), size)
    rng = random.Random(len(ids))
    best, best_clashes = None, None
    for _ in range(tries):
        rng.shuffle(ids)
        groups, start = [], 0
        for n in sizes:
            groups.append(sorted(ids[start : start + n]))
            start += n
        clashes = sum(
            1 for group in groups for i, a in enumerate(group) for b in group[i + 1 :] if frozenset((a, b)) in avoid
        )
        if best_clashes is None or clashes < best_clashes:
            best, best_clashes = groups, clashes
        if clashes == 0:
            break
    return sorted(best or [], key=lambda g: g[0])


@transaction.atomic
def form_groups(*, review_round, groups: list[list], actor) -> list[PeerReviewGroup]:
    """Replaces the round's groups (while no report is written) and creates one review per
    school, reviewed by the other schools of its group."""
    review_round = PeerReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if PeerReview.objects.filter(group__round=review_round, reported_on__isnull=False).exists():
        raise ValidationError("Reports have been written in this round, so its groups can no longer change.")
    members = set(School.objects.in_partnership(review_round.partnership).values_list("pk", flat=True))
    seen = set()
    for group in groups:
        if len(group) < 2:
            raise ValidationError("Every group needs at least two schools.")
        for school in group:
            if school.pk not in members:
                raise ValidationError(f"{school} is not a member of the partnership.")
            if school.pk in seen:
                raise ValidationError(f"{school} is in more than one group.")
            seen.add(school.pk)
    PeerReviewGroup.objects.filter(round=review_round).delete()
    created = []
    for number, group in enumerate(groups, start=1):
        peer_group = PeerReviewGroup.objects.create(
            round=review_round, name=f"Triad {number}" if len(group) == 3 else f"Group {number}"
        )
        peer_group.schools.set(group)
        for school in group:
            review = PeerReview.objects.create(
                group=peer_group,
                school=school,
                focus=review_round.focus,
                starts_on=review_round.starts_on,
                ends_on=review_round.ends_on,
            )
            review.reviewers.set([other for other in group if other.pk != school.pk])
        created.append(peer_group)
    record(
        actor=actor,
        verb="improvement.peer_round.grouped",
        target=review_round,
        data={"groups": [[s.pk for s in group] for group in groups]},
    )
    return created


@transaction.atomic
def record_review_report(
    *, review, focus, reviewer_names, starts_on, ends_on, strengths, areas_for_development, actor
) -> PeerReview:
    review = PeerReview.objects.select_for_update().select_related("group__round").get(pk=review.pk)
    if not strengths.strip() or not areas_for_development.strip():
        raise ValidationError("A report sets out both strengths and areas for development.")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError("The review must end on or after the day it starts.")
    review.focus, review.reviewer_names = focus.strip(), reviewer_names.strip()
    review.starts_on, review.ends_on = starts_on, ends_on
    review.strengths, review.areas_for_development = strengths.strip(), areas_for_development.strip()
    review.reported_on = review.reported_on or timezone.localdate()
    review.save()
    record(
        actor=actor,
        verb="improvement.peer_review.reported",
        target=review,
        partnership=review.group.round.partnership,
    )
    return review


@transaction.atomic
def share_review(*, review, is_shared: bool, actor) -> PeerReview:
    review = PeerReview.objects.select_for_update().select_related("group__round").get(pk=review.pk)
    review.is_shared, review.shared_by = is_shared, actor if is_shared else None
    review.save(update_fields=["is_shared", "shared_by"])
    record(
        actor=actor,
        verb="improvement.peer_review.shared" if is_shared else "improvement.peer_review.unshared",
        target=review,
        partnership=review.group.round.partnership,
    )
    return review


@transaction.atomic
def add_follow_up(*, review, description, owner, due_on: date, actor) -> FollowUpAction:
    if not description.strip() or not owner.strip():
        raise ValidationError("An action needs a description and an owner.")
    action = FollowUpAction.objects.create(
        review=review, description=description.strip(), owner=owner.strip(), due_on=due_on
    )
    record(actor=actor, verb="improvement.peer_action.added", target=action, partnership=review.group.round.partnership)
    return action


@transaction.atomic
def update_follow_up(*, action, status, actor) -> FollowUpAction:
    if status not in FollowUpAction.Status.values:
        raise ValidationError("Choose a status from the list.")
    action = FollowUpAction.objects.select_for_update().select_related("review__group__round").get(pk=action.pk)
    before, action.status = action.status, status
    action.save(update_fields=["status"])
    record(
        actor=actor,
        verb="improvement.peer_action.updated",
        target=action,
        partnership=action.review.group.round.partnership,
        data={"from": before, "to": status},
    )
    return action
