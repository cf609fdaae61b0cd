"""Forms of the directory: filters, proposals, review, import upload."""

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from tierslieux.core import region_choice as regions
from tierslieux.core.links import validate_http_url
from tierslieux.core.uploads import UploadPolicy, check_upload
from tierslieux.places.importers import READERS
from tierslieux.places.models import PlaceKind, PlaceService, PlaceSource, PlaceState
from tierslieux.places.selectors import PlaceFilters
from tierslieux.territory.forms import CommuneField
from tierslieux.territory.models import Commune, Departement, Epci

MAX_IMPORT_BYTES = 10 * 1024 * 1024
IMPORT_EXTENSIONS = {
    "cget_2019": (".csv",),
    "france_tiers_lieux": (".csv",),
    "region_layer": (".csv",),
    "geojson": (".geojson", ".json"),
}


def _blank(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


CHOICES_CACHE_SECONDS = 3600


def territory_choices(codes: tuple[str, ...]) -> tuple[list, list]:
    """(code, label) of the départements and of the EPCI of the regions ``codes``, kept in the
    cache per territory loaded (its commune count, as ``towns_json``): nationally, reading the
    1,250 EPCI through 35,000 communes at each directory or map page cost more than the page."""

    def build() -> tuple[list, list]:
        departements = Departement.objects.filter(region_code__in=codes)
        epcis = Epci.objects.filter(communes__departement__region_code__in=codes).distinct()
        return (
            [(d.code, f"{d.name} ({d.code})") for d in departements],
            [(e.code, e.name) for e in epcis.order_by("name")],
        )

    key = f"places-filter-choices:v1:{','.join(codes)}:{Commune.objects.count()}"
    return cache.get_or_set(key, build, CHOICES_CACHE_SECONDS)


class PlaceFilterForm(forms.Form):
    """The directory's filters. The territory's choices (départements, EPCI, commune) are those
    of the region the visitor chose (``?region=``, ADR 0030); the region field itself is shown
    only when the deployment serves several regions."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    epci = forms.ChoiceField(label=_("EPCI"), required=False)
    commune = CommuneField(label=_("Commune"), required=False, help_text="")
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(PlaceKind.choices))
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=_blank(PlaceService.choices)
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(PlaceState.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_error = ""
        try:
            self.region_choice = regions.region_choice_from_query(self.data)
        except regions.RegionNotServed as refused:
            self.region_choice, self.region_error = regions.default_choice(), str(refused)
        if regions.is_multi_region():
            if self.is_bound and regions.PARAM not in self.data:
                self.data = self.data.copy()  # the select shows the region the list holds
                self.data[regions.PARAM] = self.region_choice.value
            field = self.fields["region"]
            field.choices = regions.region_choices()
            if self.region_error:
                field.error_messages = {**field.error_messages, "invalid_choice": self.region_error}
            self.initial["region"] = self.region_choice.value
        else:
            del self.fields["region"]
        departements, epcis = territory_choices(self.region_choice.codes)
        self.departement_codes = {code for code, _label in departements}
        self.fields["departement"].choices = _blank(departements)
        self.fields["epci"].choices = _blank(epcis)

    def clean_region(self) -> str:
        """The code of the chosen region, "" for all of them."""
        return self.region_choice.code

    def clean_commune(self) -> str:
        """The filter keeps the INSEE code of the commune typed or picked, in the region."""
        commune = self.cleaned_data["commune"]
        if commune is None:
            return ""
        if commune.departement_id not in self.departement_codes:
            raise forms.ValidationError(
                _("%(commune)s is not in %(region)s: choose the region first.")
                % {"commune": commune.name, "region": self.region_choice.name}
            )
        return commune.code

    def clean(self):
        data = super().clean()
        if self.region_error and "region" not in self.fields:
            self.add_error(None, self.region_error)
        return data

    @property
    def region_query(self) -> str:
        """``?region=<choice>`` when several regions are served (links that reset the other
        filters keep the region), else ``""``."""
        if "region" not in self.fields:
            return ""
        return f"?{regions.PARAM}={self.region_choice.value}"

    def filters(self) -> PlaceFilters:
        """The filters to apply: those of a valid form, else the chosen region only."""
        if self.is_bound and self.is_valid():
            return PlaceFilters(**{"region": self.region_choice.code, **self.cleaned_data})
        return PlaceFilters(region=self.region_choice.code)


class PlaceProposalForm(forms.Form):
    name = forms.CharField(label=_("Name of the tiers-lieu"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), choices=PlaceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    services = forms.MultipleChoiceField(
        label=_("Services beyond the workspace"),
        choices=PlaceService.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    state = forms.ChoiceField(label=_("Status"), choices=PlaceState.choices)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    postcode = forms.RegexField(label=_("Postcode"), regex=r"^\d{5}$", required=False, max_length=5)
    commune = CommuneField()
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=300,
        validators=[validate_http_url],
    )
    email = forms.EmailField(label=_("E-mail of the place"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=300, required=False)
    comment = forms.CharField(
        label=_("Comment for the reviewers"), widget=forms.Textarea, required=False
    )
    proposer_name = forms.CharField(label=_("Your name"), max_length=100)
    proposer_email = forms.EmailField(label=_("Your e-mail"))

    def clean_commune(self) -> str:
        """A proposal keeps the INSEE code of the commune."""
        return self.cleaned_data["commune"].code

    def proposal_data(self) -> dict:
        skip = {"comment", "proposer_name", "proposer_email"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class ProposalReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note to the proposer"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason for the refusal."))
        return data


class PlaceImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(key, PlaceSource(key).label) for key in READERS],
    )
    file = forms.FileField(label=_("File"), help_text=_("CSV or GeoJSON, UTF-8, 10 MB at most."))
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"), required=False, initial=True
    )
    publish = forms.BooleanField(label=_("Publish the new places"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        upload, fmt = data.get("file"), data.get("format")
        if upload is None or fmt is None:
            return data
        try:
            check_upload(upload, policy=import_policy(fmt))
        except forms.ValidationError as exc:
            messages = {
                "file_size": _("The file is larger than 10 MB."),
                "file_type": _("This format expects a file ending in %(ext)s.")
                % {"ext": " / ".join(IMPORT_EXTENSIONS[fmt])},
                "file_content": _("This is not a text file."),
            }
            self.add_error("file", messages.get(exc.code, exc))
        return data


def import_policy(fmt: str) -> UploadPolicy:
    """The files an import format accepts: its extensions, text content, 10 MB at most."""
    return UploadPolicy(
        extensions={ext.lstrip("."): ext.lstrip(".") for ext in IMPORT_EXTENSIONS[fmt]},
        max_bytes=MAX_IMPORT_BYTES,
    )
