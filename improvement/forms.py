from django import forms
from django.utils import timezone

from partnership.inputs import MoneyField
from schools.models import Expertise, Person, School, Specialism

from .models import Category, FollowUpAction, NewsItem, Plan, Question, Rag, SupportReview, Survey

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Plan.Kind.choices)
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", "The plan must end after it starts.")
        return data


class PriorityForm(forms.Form):
    title = forms.CharField(max_length=200)
    lead = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, help_text="The named lead.")
    baseline = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    milestones = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line.")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = Person.objects.in_partnership(partnership).select_related("school")
        self.fields["lead"].label_from_instance = lambda p: (
            f"{p.full_name}, {p.job_role or p.get_kind_display()}" + (f" ({p.school.name})" if p.school_id else "")
        )


class PriorityUpdateForm(forms.Form):
    reviewed_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    rag = forms.ChoiceField(label="RAG status", choices=Rag.choices)
    commentary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, decision):
        meeting = decision.item.meeting
        local = timezone.localtime(meeting.starts_at)
        return (
            f"{meeting.committee.name}, {local.day} {local:%B %Y}, item {decision.item.order}: {decision.motion[:80]}"
        )


class ApprovalForm(forms.Form):
    decision = DecisionChoiceField(
        queryset=None,
        required=False,
        label="Committee decision",
        help_text="The carried decision of the strategic committee that approved the plan, if it was recorded here.",
    )
    approved_on = forms.DateField(widget=DATE, initial=timezone.localdate, label="Approved by the committee on")
    minute_ref = forms.CharField(
        max_length=80,
        required=False,
        label="Minute reference",
        help_text="For example 24/07. Needed when no decision is chosen above.",
    )
    meeting = forms.CharField(
        max_length=200,
        required=False,
        label="Committee meeting",
        help_text="For example: Strategic committee, 3 March 2026.",
    )

    def __init__(self, *args, partnership, **kwargs):
        from governance.models import Committee, Decision

        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = (
            Decision.objects.filter(
                item__meeting__committee__partnership=partnership,
                item__meeting__committee__kind=Committee.Kind.STRATEGIC,
                is_carried=True,
            )
            .select_related("item__meeting__committee")
            .order_by("-item__meeting__starts_at", "item__order", "pk")
        )
        if not self.fields["decision"].queryset.exists():
            del self.fields["decision"]

    def clean(self):
        data = super().clean()
        if not data.get("decision") and not (data.get("minute_ref") or "").strip():
            self.add_error("minute_ref", "Choose the committee's decision, or give the minute reference.")
        return data


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Rubric")
    needs_support = forms.BooleanField(required=False, label="Schools in this category need support")


class CategorisationForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.none())
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    agreed_on = forms.DateField(widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(partnership=partnership)


class SupportRequestForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label="School needing support")
    need = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What support is needed")
    specialism = forms.ModelChoiceField(
        queryset=Specialism.objects.all(), required=False, label="Expertise wanted", help_text="Used to find providers."
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class MatchForm(forms.Form):
    expertise = forms.ModelChoiceField(queryset=Expertise.objects.none(), label="Provider from the expertise directory")

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expertise"].queryset = providers
        self.fields["expertise"].label_from_instance = lambda e: (
            (
                f"{e.person.full_name} ({e.person.school.name})"
                if e.person_id and e.person.school_id
                else str(e.provider)
            )
            + f": {e.specialism}"
        )


class AgreementForm(forms.Form):
    objectives = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    baseline = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.DecimalField(max_digits=5, decimal_places=1, min_value=0.5, label="Days of support")
    cost_per_day = MoneyField(max_digits=8, label="Cost per day (£)")
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    paid_to = forms.ModelChoiceField(
        queryset=School.objects.none(),
        label="School paid for the leader's time",
        help_text="Usually the supporting school.",
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_to"].queryset = schools

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The support must end on or after the day it starts.")
        return data


class VisitForm(forms.Form):
    visited_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    days_used = forms.DecimalField(max_digits=4, decimal_places=1, min_value=0.5, initial=1)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class SupportReviewForm(forms.Form):
    reviewed_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    rag = forms.ChoiceField(label="RAG status", choices=SupportReview._meta.get_field("rag").choices)
    impact = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Impact against the target")


class CloseForm(forms.Form):
    closed_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    target_met = forms.ChoiceField(choices=[("met", "Met"), ("partly", "Partly met"), ("not_met", "Not met")])
    evaluation = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="The receiving school's evaluation")


class RoundForm(forms.Form):
    name = forms.CharField(max_length=160)
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    focus = forms.CharField(max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The round must end on or after the day it starts.")
        return data


class ReviewReportForm(forms.Form):
    focus = forms.CharField(max_length=200)
    reviewer_names = forms.CharField(max_length=300, label="Reviewers (names)")
    starts_on = forms.DateField(widget=DATE, required=False)
    ends_on = forms.DateField(widget=DATE, required=False)
    strengths = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    areas_for_development = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(forms.Form):
    description = forms.CharField(max_length=300)
    owner = forms.CharField(max_length=160)
    due_on = forms.DateField(widget=DATE)


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FollowUpAction.Status.choices)


class SurveyForm(forms.Form):
    template = forms.ChoiceField(
        choices=[("", "Start from blank"), ("impact", "Partnership impact survey")], required=False, label="Start from"
    )
    title = forms.CharField(max_length=200, required=False, help_text="Leave blank to use the template's title.")
    introduction = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("template") and not data.get("title", "").strip():
            self.add_error("title", "Give the survey a title.")
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=300, label="Question")
    kind = forms.ChoiceField(choices=Question.Kind.choices)
    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="For a list: one per line."
    )
    is_required = forms.BooleanField(required=False, initial=True, label="An answer is required")


class SendForm(forms.Form):
    audiences = forms.MultipleChoiceField(
        choices=Survey.Audience.choices, widget=forms.CheckboxSelectMultiple, label="Send to"
    )
    closes_on = forms.DateField(widget=DATE, required=False, label="Closes on")


class NewsForm(forms.Form):
    kind = forms.ChoiceField(choices=NewsItem.Kind.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
