from datetime import datetime, time

from django import forms
from django.utils import timezone

from partnership.inputs import MoneyField

from .models import AUDIENCE_ROLES, PHASES, CalendarFeed, Event, EventCost, Programme, Session, join_codes


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["academic_year", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean_academic_year(self):
        year = self.cleaned_data["academic_year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Enter the year the academic year starts, for example 2026.")
        if Programme.objects.filter(partnership=self.partnership, academic_year=year).exists():
            raise forms.ValidationError("The partnership already has a programme for that year.")
        return year


class EventForm(forms.ModelForm):
    phases = forms.MultipleChoiceField(
        label="Audience phases",
        choices=PHASES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every phase.",
    )
    roles = forms.MultipleChoiceField(
        label="Audience roles",
        choices=AUDIENCE_ROLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for all staff.",
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "capacity",
            "per_school_cap",
            "cost_per_place",
            "payer",
            "is_booking_open",
            "staff_may_book",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"cost_per_place": "Cost per place (£)"}
        field_classes = {"cost_per_place": MoneyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["phases"].initial = self.instance.phase_codes
            self.fields["roles"].initial = self.instance.role_codes

    def clean(self):
        cleaned = super().clean()
        cap, capacity = cleaned.get("per_school_cap"), cleaned.get("capacity")
        if cap and capacity and cap > capacity:
            self.add_error("per_school_cap", "A school's cap cannot be more than the event's capacity.")
        if self.instance.pk and capacity is not None:
            confirmed = self.instance.bookings.confirmed().count()
            if capacity < confirmed:
                self.add_error("capacity", f"{confirmed} places are already confirmed; cancel some first.")
        return cleaned

    def save(self, commit=True):
        self.instance.audience_phases = join_codes(self.cleaned_data["phases"])
        self.instance.audience_roles = join_codes(self.cleaned_data["roles"])
        return super().save(commit)


class SessionForm(forms.ModelForm):
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))

    class Meta:
        model = Session
        fields = ["host_school", "venue", "room", "facilitator"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_school"].queryset = schools
        self.order_fields(["day", "start", "end", "host_school", "venue", "room", "facilitator"])

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start"), cleaned.get("end")
        if day and start and end:
            zone = timezone.get_current_timezone()
            self.instance.starts_at = timezone.make_aware(datetime.combine(day, start), zone)
            self.instance.ends_at = timezone.make_aware(datetime.combine(day, end), zone)
            if end <= start:
                self.add_error("end", "The session must end after it starts.")
        if not cleaned.get("host_school") and not cleaned.get("venue"):
            self.add_error("venue", "Choose a host school or name the venue.")
        return cleaned


class BookingForm(forms.Form):
    person = forms.ModelChoiceField(label="Member of staff", queryset=None, empty_label="Choose a person")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.full_name} ({p.school})" if p.school_id else p.full_name
        )


MONTHS = [(m, datetime(2000, m, 1).strftime("%B")) for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)]


SELECT = forms.Select(attrs={"class": "form-select"})


class ProgrammeFilterForm(forms.Form):
    month = forms.TypedChoiceField(
        choices=[("", "Any month"), *MONTHS], required=False, coerce=int, empty_value=None, widget=SELECT
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Event.Kind.choices], required=False, widget=SELECT)
    phase = forms.ChoiceField(choices=[("", "Any phase"), *PHASES], required=False, widget=SELECT)
    has_places = forms.BooleanField(
        label="Only events with places left",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How useful was it? (1 = not at all, 5 = very)",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000)


class FollowUpForm(forms.Form):
    what_changed = forms.CharField(
        label="What has changed in your practice since the training?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=6000,
    )


class ChoicesForm(forms.Form):
    """Rank up to five workshops; the first is the one you most want."""

    RANKS = 5

    def __init__(self, *args, workshops, initial_ranks=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = ["First choice", "Second choice", "Third choice", "Fourth choice", "Fifth choice"]
        for rank in range(1, self.RANKS + 1):
            self.fields[f"rank_{rank}"] = forms.ModelChoiceField(
                label=labels[rank - 1], queryset=workshops, required=rank == 1, empty_label="No choice"
            )
            if initial_ranks and rank in initial_ranks:
                self.fields[f"rank_{rank}"].initial = initial_ranks[rank]

    def clean(self):
        cleaned = super().clean()
        picked = [cleaned.get(f"rank_{rank}") for rank in range(1, self.RANKS + 1)]
        chosen = [w for w in picked if w is not None]
        if len({w.pk for w in chosen}) != len(chosen):
            raise forms.ValidationError("Choose each workshop only once.")
        first_gap = next((i for i, w in enumerate(picked) if w is None), len(picked))
        if any(w is not None for w in picked[first_gap:]):
            raise forms.ValidationError("Fill your choices in order, without gaps.")
        self.workshop_ids = [w.pk for w in chosen]
        return cleaned


class FeedForm(forms.Form):
    scope = forms.ChoiceField(label="Calendar of", choices=CalendarFeed.Scope.choices)
    school = forms.ModelChoiceField(
        queryset=None, required=False, label="School", help_text="For a school's calendar: which of your schools."
    )

    def __init__(self, *args, scopes, schools=None, **kwargs):
        """`schools`: the schools the user leads; a choice is offered when there are several
        (an executive head), otherwise their one school is used."""
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [c for c in CalendarFeed.Scope.choices if c[0] in scopes]
        self.schools = list(schools or [])
        if len(self.schools) > 1:
            self.fields["school"].queryset = type(self.schools[0]).objects.filter(pk__in=[s.pk for s in self.schools])
        else:
            del self.fields["school"]

    def clean(self):
        data = super().clean()
        if data.get("scope") == CalendarFeed.Scope.SCHOOL:
            if "school" in self.fields:
                if not data.get("school"):
                    self.add_error("school", "Choose the school whose calendar you want.")
            else:
                data["school"] = self.schools[0] if self.schools else None
        else:
            data["school"] = None
        return data


def start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class EventCostForm(forms.ModelForm):
    class Meta:
        model = EventCost
        fields = ["kind", "description", "supplier", "amount", "spent_on"]
        labels = {"kind": "Cost", "amount": "Amount (£)", "spent_on": "Date of the cost"}
        help_texts = {"spent_on": "It is filed in the funding year containing this date."}
        widgets = {"spent_on": forms.DateInput(attrs={"type": "date"})}
        field_classes = {"amount": MoneyField}
