from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.inputs import validate_sensible_date
from schools.models import Person, School

from .models import (
    Action,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Committee,
    CommitteeMembership,
    InterestEntry,
    Meeting,
    Vote,
)

DATE = forms.DateInput(attrs={"type": "date"})


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = [
            "name",
            "kind",
            "purpose",
            "parent",
            "schools",
            "established_on",
            "end_on",
            "quorum_numerator",
            "quorum_denominator",
            "quorum_min_headteachers",
            "majority_rule",
            "last_reviewed_on",
        ]
        widgets = {
            "established_on": DATE,
            "end_on": DATE,
            "last_reviewed_on": DATE,
            "schools": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "quorum_numerator": "Quorum: members present (numerator)",
            "quorum_denominator": "Quorum: out of (denominator)",
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.in_partnership(partnership).order_by("name")
        self.fields["parent"].queryset = Committee.objects.filter(partnership=partnership).exclude(
            pk=self.instance.pk or 0
        )
        self.instance.partnership = partnership

    def validate_unique(self):
        pass  # the service checks the name within the partnership


class TermsOfReferenceForm(forms.Form):
    effective_from = forms.DateField(widget=DATE, initial=timezone.localdate)
    text = forms.CharField(label="Terms of reference", widget=forms.Textarea(attrs={"rows": 6}))
    delegated_powers = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Reviewed on", widget=DATE, initial=timezone.localdate)


class ResolutionForm(forms.Form):
    text = forms.CharField(label="Text of the resolution", widget=forms.Textarea(attrs={"rows": 4}))
    proposed_on = forms.DateField(widget=DATE)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ResolutionVote

        self.bodies = bodies
        for body in bodies:
            self.fields[f"outcome_{body.pk}"] = forms.ChoiceField(
                label=f"{body}: outcome", choices=ResolutionVote.Outcome.choices
            )
            self.fields[f"voted_on_{body.pk}"] = forms.DateField(
                label=f"{body}: date of vote", required=False, widget=DATE
            )

    def votes(self) -> dict:
        return {
            body: (self.cleaned_data[f"outcome_{body.pk}"], self.cleaned_data.get(f"voted_on_{body.pk}"))
            for body in self.bodies
        }


class MembershipForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none())
    school = forms.ModelChoiceField(label="School represented", queryset=School.objects.none(), required=False)
    role = forms.ChoiceField(choices=CommitteeMembership.Role.choices, initial=CommitteeMembership.Role.MEMBER)
    is_headteacher = forms.BooleanField(label="Headteacher (counts for the quorum)", required=False)
    start_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    end_on = forms.DateField(
        widget=DATE,
        required=False,
        help_text="Required for associate members (one to four years) and the chair (appointed annually).",
    )

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(school__in=committee.schools.all()).select_related(
            "school"
        ).order_by("last_name", "first_name") | Person.objects.filter(partnership=committee.partnership)
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.full_name} ({p.job_role or p.get_kind_display()}{', ' + p.school.name if p.school_id else ''})"
        )
        self.fields["school"].queryset = committee.schools.order_by("name")


class InterestForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none())
    description = forms.CharField(max_length=300)
    organisation = forms.CharField(max_length=200, required=False)
    declared_on = forms.DateField(widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class MeetingForm(forms.Form):
    date = forms.DateField(widget=DATE)
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), initial="16:00")
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    place = forms.ChoiceField(choices=Meeting.Place.choices)
    host_school = forms.ModelChoiceField(queryset=School.objects.none(), required=False)
    location = forms.CharField(max_length=300, required=False, help_text="Room, address or the link to join online.")

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_school"].queryset = committee.schools.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("place") == Meeting.Place.SCHOOL and not data.get("host_school"):
            self.add_error("host_school", "Choose the school that hosts the meeting.")
        if data.get("date") and data.get("start_time"):
            tz = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(datetime.combine(data["date"], data["start_time"]), tz)
            data["ends_at"] = (
                timezone.make_aware(datetime.combine(data["date"], data["end_time"]), tz)
                if data.get("end_time")
                else None
            )
            if data["ends_at"] and data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", "The meeting must end after it starts.")
        return data


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "category", "is_confidential"]
        widgets = {
            "order": forms.NumberInput(attrs={"min": 1, "class": "form-control order-input"}),
            "title": forms.TextInput(attrs={"class": "form-control"}),
            "category": forms.Select(attrs={"class": "form-select"}),
            "is_confidential": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class NewAgendaItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=AgendaItem.Category.choices, initial=AgendaItem.Category.GENERAL)
    is_confidential = forms.BooleanField(label="Confidential", required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaperForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    file = forms.FileField()


class AttendanceForm(forms.Form):
    """One form for the whole meeting: a radio group per member, present by default."""

    def __init__(self, *args, members, initial_statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=f"{member.person.full_name}",
                choices=Attendance.Status.choices,
                initial=initial_statuses.get(member.pk, Attendance.Status.PRESENT),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def rows(self):
        return [(member, self[f"m{member.pk}"]) for member in self.members]

    def statuses(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data[f"m{member.pk}"] for member in self.members}


class ItemMinutesForm(forms.Form):
    def __init__(self, *args, items, texts, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item{item.pk}"] = forms.CharField(
                label=str(item),
                required=False,
                initial=texts.get(item.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        return [(item, self[f"item{item.pk}"]) for item in self.items]

    def texts(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item{item.pk}"] for item in self.items}


NO_VOTE = ""


class DecisionForm(forms.Form):
    """The motion and a vote per present member. Associate members get no choice on a
    restricted item, and the form refuses one if it is posted anyway."""

    motion = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.voters = voters
        choices = [(NO_VOTE, "Did not vote"), *Vote.Choice.choices]
        for member in voters:
            barred = member.is_associate and item.is_restricted
            self.fields[f"v{member.pk}"] = forms.ChoiceField(
                label=member.person.full_name,
                choices=[(NO_VOTE, "Not entitled to vote")] if barred else choices,
                required=False,
                initial=NO_VOTE if barred else Vote.Choice.FOR,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                help_text="Associate member: may not vote on this item." if barred else "",
            )
            self.fields[f"v{member.pk}"].barred = barred

    def clean(self):
        data = super().clean()
        for member in self.voters:
            if member.is_associate and self.item.is_restricted and self.data.get(f"v{member.pk}"):
                self.add_error(
                    f"v{member.pk}" if f"v{member.pk}" in self.fields else None,
                    f"{member.person.full_name} is an associate member and may not vote on "
                    f"{self.item.get_category_display().lower()}.",
                )
        return data

    def rows(self):
        return [(member, self[f"v{member.pk}"]) for member in self.voters]

    def votes(self) -> dict[int, str]:
        return {
            member.pk: self.cleaned_data[f"v{member.pk}"]
            for member in self.voters
            if self.cleaned_data.get(f"v{member.pk}")
        }


class NewActionForm(forms.Form):
    description = forms.CharField(max_length=300)
    owner = forms.ModelChoiceField(queryset=Person.objects.none())
    due_on = forms.DateField(widget=DATE)
    item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), required=False, label="Agenda item")

    def __init__(self, *args, meeting, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["item"].queryset = meeting.items.all()


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    note = forms.CharField(max_length=300, required=False)


class CalendarFeedForm(forms.Form):
    scope = forms.ChoiceField(
        choices=CalendarFeed.Scope.choices, widget=forms.RadioSelect, initial=CalendarFeed.Scope.MINE
    )


class DeclarationForm(forms.Form):
    item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), label="Agenda item")
    interest = forms.ModelChoiceField(queryset=InterestEntry.objects.none(), label="Registered interest")
    withdrew = forms.BooleanField(label="Left the room for this item", required=False)

    def __init__(self, *args, meeting, interests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.all()
        self.fields["interest"].queryset = interests
        self.fields["interest"].label_from_instance = lambda e: f"{e.person.full_name}: {e}"


class CorrectionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What is corrected, and why")


def membership_end_form_valid(value: str):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError) as exc:
        raise ValidationError("Give the end date as a date.") from exc
    validate_sensible_date(day)
    return day
