from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from partnership.audit import record

from ..models import (
    Committee,
    CommitteeMembership,
    EstablishingResolution,
    InterestEntry,
    ResolutionVote,
    TermsOfReference,
)

COMMITTEE_FIELDS = {
    "name",
    "kind",
    "purpose",
    "parent",
    "established_on",
    "end_on",
    "quorum_numerator",
    "quorum_denominator",
    "quorum_min_headteachers",
    "majority_rule",
    "last_reviewed_on",
}


def _check_schools(partnership, schools) -> None:
    from schools.models import School

    allowed = set(School.objects.in_partnership(partnership).values_list("pk", flat=True))
    strangers = [school for school in schools if school.pk not in allowed]
    if strangers:
        raise ValidationError(f"{strangers[0]} is not a member school of {partnership}.")


def _check_parent(committee) -> None:
    if committee.parent_id and committee.parent.partnership_id != committee.partnership_id:
        raise ValidationError({"parent": "The parent committee must be one of this partnership's."})


@transaction.atomic
def create_committee(*, partnership, created_by, schools=(), **fields) -> Committee:
    unknown = set(fields) - COMMITTEE_FIELDS
    if unknown:
        raise TypeError(f"Unknown committee fields: {sorted(unknown)}")
    committee = Committee(partnership=partnership, **fields)
    committee.full_clean(validate_unique=False)
    _check_parent(committee)
    if Committee.objects.filter(partnership=partnership, name=committee.name).exists():
        raise ValidationError({"name": "The partnership already has a committee with this name."})
    _check_schools(partnership, schools)
    committee.save()
    committee.schools.set(schools)
    record(actor=created_by, verb="governance.committee.created", target=committee, data={"kind": committee.kind})
    return committee


@transaction.atomic
def update_committee(*, committee: Committee, updated_by, schools=None, **fields) -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    for name, value in fields.items():
        if name not in COMMITTEE_FIELDS:
            raise TypeError(f"Unknown committee field: {name}")
        setattr(committee, name, value)
    committee.full_clean(validate_unique=False)
    _check_parent(committee)
    if (
        Committee.objects.filter(partnership_id=committee.partnership_id, name=committee.name)
        .exclude(pk=committee.pk)
        .exists()
    ):
        raise ValidationError({"name": "The partnership already has a committee with this name."})
    committee.save()
    if schools is not None:
        _check_schools(committee.partnership, schools)
        committee.schools.set(schools)
    record(actor=updated_by, verb="governance.committee.updated", target=committee, data={"fields": sorted(fields)})
    return committee


@transaction.atomic
def add_terms_of_reference(
    *, committee: Committee, effective_from: date, text: str, delegated_powers: str, added_by
) -> TermsOfReference:
    # Lock the committee so two clerks cannot both write version n.
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    latest = committee.terms_of_reference.aggregate(latest=Max("version"))["latest"] or 0
    if latest and committee.terms_of_reference.filter(effective_from__gt=effective_from).exists():
        raise ValidationError({"effective_from": "A newer version already takes effect after this date."})
    terms = TermsOfReference.objects.create(
        committee=committee,
        version=latest + 1,
        effective_from=effective_from,
        text=text,
        delegated_powers=delegated_powers,
    )
    record(actor=added_by, verb="governance.terms.added", target=committee, data={"version": terms.version})
    return terms


@transaction.atomic
def record_review(*, committee: Committee, reviewed_on: date, reviewed_by) -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if reviewed_on < committee.established_on:
        raise ValidationError({"reviewed_on": "The review cannot be before the committee was established."})
    committee.last_reviewed_on = reviewed_on
    committee.save(update_fields=["last_reviewed_on"])
    record(actor=reviewed_by, verb="governance.committee.reviewed", target=committee, data={"on": str(reviewed_on)})
    return committee


@transaction.atomic
def record_resolution(*, committee: Committee, text: str, proposed_on: date, votes: dict, recorded_by):
    """`votes` maps a governing body to (outcome, voted_on). Only member schools' bodies vote."""
    allowed = {school.governing_body_id for school in committee.schools.all() if school.governing_body_id}
    resolution, _ = EstablishingResolution.objects.update_or_create(
        committee=committee, defaults={"text": text, "proposed_on": proposed_on}
    )
    for body, (outcome, voted_on) in votes.items():
        if body.pk not in allowed:
            raise ValidationError(f"{body} does not govern a member school of {committee}.")
        if outcome != ResolutionVote.Outcome.PENDING and not voted_on:
            raise ValidationError(f"Give the date {body} voted.")
        if voted_on and voted_on < proposed_on:
            raise ValidationError(f"{body} cannot vote before the resolution was proposed.")
        ResolutionVote.objects.update_or_create(
            resolution=resolution,
            governing_body=body,
            defaults={"outcome": outcome, "voted_on": voted_on if outcome != ResolutionVote.Outcome.PENDING else None},
        )
    record(actor=recorded_by, verb="governance.resolution.recorded", target=committee, data={"votes": len(votes)})
    return resolution


@transaction.atomic
def appoint_member(
    *,
    committee: Committee,
    person,
    role: str,
    start_on: date,
    appointed_by,
    school=None,
    end_on=None,
    is_headteacher: bool = False,
) -> CommitteeMembership:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    membership = CommitteeMembership(
        committee=committee,
        person=person,
        school=school,
        role=role,
        start_on=start_on,
        end_on=end_on,
        is_headteacher=is_headteacher,
    )
    membership.full_clean()
    if school is not None and not committee.schools.filter(pk=school.pk).exists():
        raise ValidationError({"school": f"{school} is not a member school of this committee."})
    overlapping = committee.memberships.filter(Q(end_on__isnull=True) | Q(end_on__gte=start_on))
    if end_on:
        overlapping = overlapping.filter(start_on__lte=end_on)
    if overlapping.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already on the committee for those dates."})
    if role == CommitteeMembership.Role.CHAIR and overlapping.filter(role=role).exists():
        raise ValidationError({"role": "The committee already has a chair for those dates."})
    membership.save()
    record(
        actor=appointed_by,
        verb="governance.member.appointed",
        target=membership,
        partnership=committee.partnership,
        data={"role": role, "person": str(person)},
    )
    return membership


@transaction.atomic
def end_membership(*, membership: CommitteeMembership, end_on: date, ended_by) -> CommitteeMembership:
    membership = CommitteeMembership.objects.select_for_update().get(pk=membership.pk)
    if end_on < membership.start_on:
        raise ValidationError({"end_on": "A membership cannot end before it starts."})
    # Either the chair or the clerk can be removed at any time: only shortening is allowed.
    if membership.end_on and end_on > membership.end_on:
        raise ValidationError({"end_on": "Extend an appointment by appointing again."})
    membership.end_on = end_on
    membership.save(update_fields=["end_on"])
    record(
        actor=ended_by,
        verb="governance.member.ended",
        target=membership,
        partnership=membership.committee.partnership,
        data={"end_on": str(end_on)},
    )
    return membership


@transaction.atomic
def add_interest(*, person, description: str, declared_on: date, added_by, organisation: str = "") -> InterestEntry:
    entry = InterestEntry.objects.create(
        person=person, description=description, organisation=organisation, declared_on=declared_on
    )
    record(actor=added_by, verb="governance.interest.registered", target=entry, data={"person": str(person)})
    return entry


@transaction.atomic
def end_interest(*, entry: InterestEntry, ended_on: date, ended_by) -> InterestEntry:
    if ended_on < entry.declared_on:
        raise ValidationError("An interest cannot end before it was declared.")
    entry.ended_on = ended_on
    entry.save(update_fields=["ended_on"])
    record(actor=ended_by, verb="governance.interest.ended", target=entry)
    return entry
