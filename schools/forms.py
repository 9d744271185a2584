import codecs

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from partnership.inputs import is_plain_number

from .models import SIZE_BANDS, GoverningBody, Person, School, Specialism

SORTS = {
    "name": ("name", "Name (A to Z)"),
    "-name": ("-name", "Name (Z to A)"),
    "pupils": ("number_of_pupils", "Pupils (fewest first)"),
    "-pupils": ("-number_of_pupils", "Pupils (most first)"),
    "urn": ("urn", "URN"),
    "phase": ("phase", "Phase"),
}
GIAS_MAX_BYTES = 100 * 1024 * 1024  # the national extract is about 60 MB


class SchoolFilterForm(forms.Form):
    q = forms.CharField(label="Name or URN", required=False, max_length=100)
    phase = forms.ChoiceField(label="Phase", required=False)
    type = forms.ChoiceField(label="Type", required=False)
    size = forms.ChoiceField(
        label="Size", required=False, choices=[("", "Any size")] + [(key, label) for key, label, *_ in SIZE_BANDS]
    )
    religion = forms.ChoiceField(label="Religious character", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (_field, label) in SORTS.items()]
    )

    def __init__(self, *args, options: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        for name, any_label in (("phase", "Any phase"), ("type", "Any type"), ("religion", "Any")):
            self.fields[name].choices = [("", any_label)] + [(value, value) for value in options[name]]

    def narrows(self) -> bool:
        """Whether any filter (not just the sort) is set."""
        return any(self.cleaned_data.get(name) for name in ("q", "phase", "type", "size", "religion"))

    def filter(self, schools):
        if not self.is_valid():
            return schools.none()
        data = self.cleaned_data
        q = data["q"].strip()
        if is_plain_number(q):
            schools = schools.filter(urn=int(q))
        elif q:
            schools = schools.filter(name__icontains=q)
        if data["phase"]:
            schools = schools.filter(phase=data["phase"])
        if data["type"]:
            schools = schools.filter(type_of_establishment=data["type"])
        if data["religion"]:
            schools = schools.filter(religious_character=data["religion"])
        for key, _label, low, high in SIZE_BANDS:
            if data["size"] == key:
                schools = schools.filter(number_of_pupils__gte=low)
                if high is not None:
                    schools = schools.filter(number_of_pupils__lte=high)
        field = SORTS[data["sort"] or "name"][0]
        # The primary key breaks ties, so pages never repeat or skip a school.
        return schools.order_by(field, "pk" if not field.startswith("-") else "-pk")


class SchoolContactsForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["head_name", "telephone", "email", "website", "street", "locality", "town", "postcode"]

    def __init__(self, *args, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True


class ProposeSchoolForm(forms.Form):
    urn = forms.IntegerField(label="URN", min_value=1, help_text="The school's unique reference number in GIAS.")

    def clean_urn(self):
        urn = self.cleaned_data["urn"]
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError(f"No school with URN {urn} in the register. Import the GIAS extract first.")
        self.school = school
        return urn


class JoinDecisionForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The proposing partnership sees it.",
    )


class ClerkEmailForm(forms.ModelForm):
    class Meta:
        model = GoverningBody
        fields = ["clerk_email"]


CONTACT_LOCKED = "Only the person, the head of their school, or whoever added them (while no one else relies on the record) can change this."
CLERK_LOCKED = (
    "Only the head of a school this body governs, the local authority or a deployment administrator can change this."
)


class LeaveForm(forms.Form):
    notice_given_on = forms.DateField(
        label="Notice given on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    left_on = forms.DateField(
        label="Leaves on", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )


class ExpertiseForm(forms.Form):
    specialism = forms.ModelChoiceField(
        label="Specialism, designation or provision",
        queryset=Specialism.objects.all(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    details = forms.CharField(
        label="What is on offer",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class ExpertiseSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    specialism = forms.ModelChoiceField(
        label="Specialism, designation or provision",
        queryset=Specialism.objects.all(),
        required=False,
        empty_label="Any",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Any kind"), *Specialism.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "email", "kind", "job_role", "organisation", "school"]

    def __init__(self, *args, schools, can_change_contacts: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if not can_change_contacts:
            # A disabled field keeps the stored value whatever is posted; the view refuses
            # a posted change outright.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = CONTACT_LOCKED


class GiasUploadForm(forms.Form):
    file = forms.FileField(label="GIAS establishment extract (CSV)", help_text="edubasealldata….csv, up to 100 MB.")
    la_codes = forms.CharField(
        label="Only these LA codes",
        required=False,
        max_length=200,
        help_text="Three-digit codes separated by spaces, for example 896 895. Leave empty for every row.",
    )
    skip_bad_rows = forms.BooleanField(label="Import the good rows and skip bad ones", required=False)
    dry_run = forms.BooleanField(label="Dry run: check the file, write nothing", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = min(GIAS_MAX_BYTES, getattr(settings, "MAX_UPLOAD_BYTES", GIAS_MAX_BYTES))
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                "Upload the extract as a .csv file (GIAS: Downloads, establishment fields CSV)."
            )
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        head = upload.read(2048)
        upload.seek(0)
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # UTF-16 text is fine
            raise forms.ValidationError("This is not a CSV file (it looks like a spreadsheet or another binary file).")
        return upload

    def clean_la_codes(self):
        codes = self.cleaned_data["la_codes"].replace(",", " ").split()
        bad = [code for code in codes if not (is_plain_number(code) and len(code) == 3)]
        if bad:
            raise forms.ValidationError(f"LA codes are three digits: {', '.join(bad)} is not one.")
        return " ".join(codes)


class GoverningBodyForm(forms.ModelForm):
    schools = forms.ModelMultipleChoiceField(
        label="Schools it governs",
        queryset=School.objects.none(),
        help_text="More than one school makes a federation.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = GoverningBody
        fields = ["name", "chair", "clerk_email"]

    def __init__(self, *args, schools, people, can_change_clerk_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools
        self.fields["schools"].initial = list(self.instance.schools.values_list("pk", flat=True))
        self.fields["chair"].queryset = people
        if not can_change_clerk_email:
            self.fields["clerk_email"].disabled = True
            self.fields["clerk_email"].help_text = CLERK_LOCKED
