"""The forms of the territorial mesh page: where should the next places open? And the commune
search of the autocompletes."""

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tierslieux.territory.mesh import MeshParams

TARGET_COUNT = "count"
TARGET_ALL = "all"


def _range_errors(message: Any) -> dict[str, Any]:
    return {"min_value": message, "max_value": message, "invalid": message, "required": message}


class CommuneSearchForm(forms.Form):
    """The commune autocomplete's query (``CharField`` refuses a NUL byte, which PostgreSQL
    cannot compare)."""

    q = forms.CharField(max_length=80, required=False, strip=True)


class ScenarioForm(forms.Form):
    """Parameters of a scenario; ``mesh_params()`` and ``recommend_kwargs()`` feed the task."""

    minutes = forms.IntegerField(
        label=_("Travel time threshold (minutes)"),
        min_value=5,
        max_value=120,
        initial=20,
        error_messages=_range_errors(_("Give a whole number of minutes between 5 and 120.")),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "5"}),
    )
    model = forms.ChoiceField(
        label=_("Travel-time model"),
        choices=[
            ("straight", _("Straight line with a detour factor")),
            ("road", _("Road network (OpenStreetMap)")),
        ],
        initial="straight",
        required=False,
        error_messages={"invalid_choice": _("This travel-time model is not available here.")},
        widget=forms.RadioSelect,
    )
    detour_factor = forms.FloatField(
        label=_("Detour factor"),
        min_value=1.0,
        max_value=3.0,
        initial=1.3,
        required=False,
        localize=True,
        help_text=_("Road distance over straight-line distance, between 1 and 3."),
        error_messages=_range_errors(_("Give a detour factor between 1 and 3, e.g. 1.3.")),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "5"}),
    )
    speed_kmh = forms.IntegerField(
        label=_("Mean speed (km/h)"),
        min_value=10,
        max_value=130,
        initial=60,
        required=False,
        error_messages=_range_errors(_("Give a speed between 10 and 130 km/h.")),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "5"}),
    )
    target = forms.ChoiceField(
        label=_("Goal"),
        choices=[
            (TARGET_COUNT, _("Open a given number of new places")),
            (TARGET_ALL, _("Cover everyone (fewest new places)")),
        ],
        initial=TARGET_COUNT,
        required=False,
        widget=forms.RadioSelect,
    )
    new = forms.IntegerField(
        label=_("Number of new places"),
        min_value=1,
        max_value=100,
        initial=10,
        required=False,
        error_messages=_range_errors(_("Give a number of new places between 1 and 100.")),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "5"}),
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            ("fast", _("Fast (greedy: adds the best site one at a time)")),
            ("exact", _("Exact (integer programming, up to 10 seconds)")),
        ],
        initial="fast",
        required=False,
        widget=forms.RadioSelect,
    )
    demand = forms.ChoiceField(
        label=_("Where people live"),
        choices=[
            ("grid", _("1 km population grid (Eurostat 2021)")),
            ("communes", _("Town halls of the communes (faster, coarser)")),
        ],
        initial="grid",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not settings.MESH_OSM_PATH:
            # The road model needs an OpenStreetMap extract: not offered without one.
            field = self.fields["model"]
            field.choices = [c for c in field.choices if c[0] != "road"]
        self.road_available = bool(settings.MESH_OSM_PATH)

    # Left out (e.g. by a script): the defaults of the page.
    def clean_model(self) -> str:
        return self.cleaned_data.get("model") or "straight"

    def clean_detour_factor(self) -> float:
        value = self.cleaned_data.get("detour_factor")
        return settings.MESH_DETOUR_FACTOR if value is None else value

    def clean_speed_kmh(self) -> float:
        value = self.cleaned_data.get("speed_kmh")
        return settings.MESH_SPEED_KMH if value is None else value

    def clean_target(self) -> str:
        return self.cleaned_data.get("target") or TARGET_COUNT

    def clean_method(self) -> str:
        return self.cleaned_data.get("method") or "fast"

    def clean_demand(self) -> str:
        return self.cleaned_data.get("demand") or "grid"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("target") == TARGET_COUNT
            and data.get("new") is None
            and "new" not in (self.errors)
        ):
            self.add_error(
                "new",
                _("Give a number of new places between 1 and 100, or choose “Cover everyone”."),
            )
        if data.get("model") == "road" and not (
            settings.MESH_OSM_PATH and Path(settings.MESH_OSM_PATH).exists()
        ):
            self.add_error("model", _("This travel-time model is not available here."))
        return data

    def mesh_params(self) -> MeshParams:
        """The analysis parameters (settings fill what the form leaves out)."""
        data = self.cleaned_data
        straight = data["model"] == "straight"
        return MeshParams.from_settings(
            minutes=float(data["minutes"]),
            model=data["model"],
            detour_factor=float(data["detour_factor"]) if straight else None,
            speed_kmh=float(data["speed_kmh"]) if straight else None,
            demand=data["demand"],
        )

    def recommend_kwargs(self) -> dict[str, Any]:
        """``new`` (None: cover everyone) and ``exact`` for ``mesh_recommend``."""
        data = self.cleaned_data
        return {
            "new": data["new"] if data["target"] == TARGET_COUNT else None,
            "exact": data["method"] == "exact",
        }

    def request_record(self) -> dict[str, Any]:
        """What was asked, as JSON-ready values (kept with the result, to refill the form)."""
        data = self.cleaned_data
        return {
            "minutes": data["minutes"],
            "model": data["model"],
            "detour_factor": data["detour_factor"],
            "speed_kmh": data["speed_kmh"],
            "target": data["target"],
            "new": data["new"],
            "method": data["method"],
            "demand": data["demand"],
        }
