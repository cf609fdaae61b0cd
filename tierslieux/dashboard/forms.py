"""The dashboard's filters (GET) and the report request (POST): a year, a territory, money since
a year, and whether demo records count."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tierslieux.core import clock
from tierslieux.core.regions import region_name
from tierslieux.dashboard import selectors

FIRST_YEAR = 2010
"""The earliest year one may ask for (the policy started in the 2010s)."""


@dataclass(frozen=True)
class Filters:
    year: int
    departement: str | None
    since: int
    include_demo: bool
    region: str | None = None
    """The region whose figures are shown (``None``: every region the deployment serves)."""

    def query(self) -> dict[str, str]:
        """The GET parameters that give these filters back."""
        query = {
            "year": str(self.year),
            "departement": self.departement or "",
            "since": str(self.since),
            "demo": "1" if self.include_demo else "0",
        }
        if self.region:
            query["region"] = self.region
        return query


def _years() -> list[tuple[int, str]]:
    this_year = clock.today().year
    return [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]


class DashboardFilterForm(forms.Form):
    """What the dashboard shows; every field falls back to its default when left out."""

    year = forms.TypedChoiceField(
        label=_("Year of the evaluation"),
        coerce=int,
        required=False,
        help_text=_("Figures on 31 December of that year, or today for the current year."),
    )
    departement = forms.ChoiceField(label=_("Territory"), required=False)
    since = forms.TypedChoiceField(label=_("Money since"), coerce=int, required=False)
    demo = forms.TypedChoiceField(
        label=_("Demonstration data"),
        choices=[("1", _("included")), ("0", _("left out"))],
        coerce=lambda v: v == "1",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = _years()
        self.fields["year"].choices = years
        self.fields["since"].choices = years
        self.fields["departement"].choices = selectors.territory_choices()
        if len(settings.TERRITORY_REGIONS) > 1:  # one region: nothing to choose
            self.fields["region"] = forms.ChoiceField(
                label=_("Region"),
                required=False,
                choices=[
                    ("", _("All regions")),
                    *((c, region_name(c)) for c in settings.TERRITORY_REGIONS),
                ],
            )
        for name in self.fields:
            self.fields[name].error_messages["invalid_choice"] = _(
                "This value is not one of the choices."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        year = data.get("year")
        since = data.get("since")
        if year and since and since > year:
            self.add_error("since", _("The first year of the money must not be after the year."))
        return data

    def filters(self, *, default_region: str | None = None) -> Filters:
        """The filters asked for, with defaults for the fields left out (call after is_valid);
        the region is the one asked for, else ``default_region`` (a regional user's own)."""
        data = self.cleaned_data if self.is_bound else {}
        region = data.get("region") or None
        if "region" not in self.fields:
            region = None
        elif self.is_bound and "region" in self.data and not self.data["region"]:
            region = None  # "all regions" asked for explicitly
        else:
            region = region or default_region
        year = data.get("year") or clock.today().year
        since = data.get("since") or selectors.DEFAULT_SINCE
        demo = data.get("demo")
        return Filters(
            year=year,
            departement=data.get("departement") or None,
            since=min(since, year),
            include_demo=True if demo in (None, "") else bool(demo),
            region=region,
        )


class ReportForm(DashboardFilterForm):
    """The same choices, posted to generate the yearly report."""
