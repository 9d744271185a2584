from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from .inputs import validate_sensible_year
from .models import Invitation, Role, Term
from .registry import registry


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "role", "school"]
        labels = {"email": "E-mail address"}
        help_texts = {"school": "Required for headteachers and staff members."}

    def __init__(self, *args, partnership, school_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["school"].queryset = school_queryset
        self.fields["school"].required = False

    def clean(self):
        cleaned = super().clean()
        role, school = cleaned.get("role"), cleaned.get("school")
        if role in {Role.HEADTEACHER, Role.STAFF} and school is None:
            self.add_error("school", "Choose the school this person leads or works at.")
        if role not in {Role.HEADTEACHER, Role.STAFF} and school is not None:
            self.add_error("school", "Only headteachers and staff members are invited for a school.")
        email = (cleaned.get("email") or "").lower()
        if role == Role.HEADTEACHER and school is not None and email and registry.headteacher_refusal is not None:
            refusal = registry.headteacher_refusal(partnership=self.partnership, school=school, email=email)
            if refusal:
                self.add_error("school", refusal)
        if email and Invitation.objects.pending().filter(partnership=self.partnership, email__iexact=email).exists():
            self.add_error("email", "This person already has an invitation waiting. Revoke it first to send another.")
        return cleaned


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    password1 = forms.CharField(
        label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Type the password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["first_name"].initial = invitation.first_name
        self.fields["last_name"].initial = invitation.last_name

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            try:
                password_validation.validate_password(p1)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["season", "academic_year", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership

    def clean_academic_year(self):
        year = self.cleaned_data["academic_year"]
        validate_sensible_year(year)
        return year

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "A term must end on or after the day it starts.")
        return cleaned
