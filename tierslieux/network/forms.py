"""Forms of the partnership programme and the resources library; the services do the business
checks (period, years, links), the forms the shapes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tierslieux.core.uploads import CheckedUpload, UploadPolicy, check_upload
from tierslieux.network.models import (
    Licence,
    Objective,
    ObjectiveKind,
    Programme,
    ResourceKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RESOURCE_MAX_BYTES = 20 * 1024 * 1024
RESOURCE_POLICY = UploadPolicy(
    extensions={
        "pdf": "pdf",
        "odt": "odt",
        "ods": "ods",
        "docx": "docx",
        "xlsx": "xlsx",
        "png": "png",
        "jpg": "jpeg",
        "jpeg": "jpeg",
    },
    max_bytes=RESOURCE_MAX_BYTES,
)
"""What the library accepts as a file (documents and images, at most 20 MB); recordings are
shared as links."""


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["title", "partner", "starts_on", "ends_on", "summary"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def _post_clean(self):
        pass


class ExtensionForm(forms.Form):
    ends_on = forms.DateField(label=_("new end"), widget=DATE)
    decided_on = forms.DateField(label=_("decided on"), widget=DATE)
    reason = forms.CharField(
        label=_("reason"), max_length=2000, required=False, widget=forms.Textarea
    )


class ObjectiveForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("deliverable"), choices=ObjectiveKind.choices)
    target = forms.IntegerField(label=_("target"), min_value=1, max_value=1_000_000)


class ReportForm(forms.Form):
    narrative = forms.CharField(label=_("report"), max_length=20000, widget=forms.Textarea)

    def __init__(self, *args, objectives: list[Objective], **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        for objective in objectives:
            self.fields[f"declared_{objective.kind}"] = forms.IntegerField(
                label=_("%(deliverable)s: the network's figure (target %(target)s)")
                % {"deliverable": objective.get_kind_display(), "target": objective.target},
                min_value=0,
                max_value=1_000_000,
                required=False,
                initial=objective.declared,
            )

    def declared(self) -> dict[str, int | None]:
        return {o.kind: self.cleaned_data.get(f"declared_{o.kind}") for o in self.objectives}


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    minutes = forms.CharField(label=_("minutes"), max_length=20000, widget=forms.Textarea)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=ResourceKind.choices)
    description = forms.CharField(
        label=_("description"), max_length=4000, required=False, widget=forms.Textarea
    )
    licence = forms.ChoiceField(label=_("licence"), choices=Licence.choices)
    url = forms.CharField(label=_("link (http or https)"), max_length=500, required=False)
    file = forms.FileField(
        label=_("or a file (PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG; at most 20 MB)"),
        required=False,
    )

    def clean_file(self) -> CheckedUpload | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            return check_upload(upload, policy=RESOURCE_POLICY)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class ResourceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("Every kind")), *ResourceKind.choices], required=False
    )
