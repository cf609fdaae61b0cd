"""Forms of the premises offers: the offer (create and edit) and the list's filters."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts.models import Organisation, OrganisationKind
from tierslieux.core.forms import LenientDecimalField
from tierslieux.core.region_choice import region_choice_checked
from tierslieux.premises.models import BuildingState
from tierslieux.premises.selectors import OfferFilters
from tierslieux.premises.services import photos_check
from tierslieux.premises.workflow import PremisesState
from tierslieux.territory.forms import CommuneField
from tierslieux.territory.models import Departement

AUTHORITY_KINDS = (
    OrganisationKind.COMMUNE,
    OrganisationKind.EPCI,
    OrganisationKind.DEPARTEMENT,
    OrganisationKind.STATE,
    OrganisationKind.OTHER,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OfferForm(forms.Form):
    """The offer; ``authority`` only for the Région's staff (an authority offers its own)."""

    authority = forms.ModelChoiceField(
        label=_("Local authority"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Name of the building"), max_length=200)
    commune = CommuneField()
    address = forms.CharField(label=_("Address"), max_length=300)
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Leave empty to place the building at the town hall."),
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    surface_m2 = LenientDecimalField(
        label=_("Surface (m²)"), min_value=Decimal("0.1"), max_digits=8, decimal_places=1
    )
    rooms = forms.IntegerField(label=_("Rooms"), min_value=0, max_value=500, initial=1)
    building_state = forms.ChoiceField(
        label=_("State of the building"), choices=BuildingState.choices
    )
    rent_per_m2_month = LenientDecimalField(
        label=_("Proposed rent (€ per m² and month)"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
    )
    reference_rent_per_m2_month = LenientDecimalField(
        label=_("Reference market rent (€ per m² and month)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        help_text=_("The local market rent: the proposed rent is shown as a share of it."),
    )
    available_on = forms.DateField(label=_("Available from"), required=False, widget=DateInput)
    accessible = forms.BooleanField(
        label=_("Accessible to people with reduced mobility"), required=False
    )
    fibre = forms.BooleanField(label=_("Fibre broadband"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    photo = forms.FileField(
        label=_("Photo (JPEG or PNG, at most 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["authority"].queryset = Organisation.objects.filter(
                kind__in=AUTHORITY_KINDS
            ).order_by("name")
        else:
            del self.fields["authority"]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        try:
            photos_check([photo])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["photos"]) from exc
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            raise ValidationError(_("Give both the longitude and the latitude, or neither."))
        return data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: v for k, v in data.items() if k not in ("authority", "photo")}


class OfferFilterForm(forms.Form):
    departement = forms.ModelChoiceField(
        label=_("Département"), queryset=Departement.objects.order_by("code"), required=False
    )
    state = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *PremisesState.choices], required=False
    )
    building_state = forms.ChoiceField(
        label=_("State of the building"),
        choices=[("", _("All")), *BuildingState.choices],
        required=False,
    )
    min_surface = LenientDecimalField(
        label=_("Surface at least (m²)"), required=False, min_value=0, max_digits=8
    )
    max_rent = LenientDecimalField(
        label=_("Rent at most (€ per m² and month)"), required=False, min_value=0, max_digits=8
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region_choice = region_choice_checked(self.data)[0]
        if self.region_choice.code:  # one region of several: its départements only
            departements = Departement.objects.filter(region_code=self.region_choice.code)
            self.fields["departement"].queryset = departements.order_by("code")

    def filters(self) -> OfferFilters:
        if not self.is_valid():
            return OfferFilters(region=self.region_choice.code)
        data = self.cleaned_data
        return OfferFilters(
            region=self.region_choice.code,
            departement=data["departement"].code if data.get("departement") else "",
            state=data.get("state") or "",
            building_state=data.get("building_state") or "",
            min_surface=data.get("min_surface"),
            max_rent=data.get("max_rent"),
        )
