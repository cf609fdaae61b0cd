"""Forms of the territory: the scenario form of the mesh page (where should the next places
open?) and ``CommuneField``, the commune field every form of the product uses."""

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.territory.candidates import COMMUNES, candidates_named, candidates_source_choices
from tierslieux.territory.mesh import MeshParams
from tierslieux.territory.models import Commune
from tierslieux.territory.selectors import INSEE_CODE, commune_label, commune_resolve

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

    candidates = forms.ChoiceField(
        label=_("Candidate sites"),
        choices=[],
        initial=COMMUNES,
        required=False,
        error_messages={"invalid_choice": _("This set of candidate sites does not exist.")},
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = candidates_source_choices()
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

    def clean_candidates(self) -> str:
        name = self.cleaned_data.get("candidates") or COMMUNES
        if name != COMMUNES and not len(candidates_named(name).ids):
            raise ValidationError(
                _("This set has no candidate site today: choose another one."), code="empty"
            )
        return name

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
            "candidates": data["candidates"],
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
            "candidates": data["candidates"],
        }


# --- the commune field of every form ---------------------------------------------------------

COMMUNE_TEXT_MAX_LENGTH = 100
_CONTROL_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")


@dataclass(frozen=True)
class CommuneInput:
    """What a commune field sent: the typed text, the INSEE code the autocomplete put behind
    it, and the commune chosen among the listed matches (radio buttons)."""

    text: str = ""
    code: str = ""
    choice: str = ""

    def __bool__(self) -> bool:
        return bool(self.text or self.code or self.choice)

    def __str__(self) -> str:
        return self.text


class CommuneWidget(forms.Widget):
    """A text input with the INSEE code behind it (``<name>_code``, filled by the shared
    autocomplete ``static/js/commune-field.js``) and, when the text was ambiguous, the matching
    communes as radio buttons (``<name>_choice``), so that the field works without JavaScript.
    """

    template_name = "territory/widgets/commune.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.candidates: list[Commune] = []
        self.candidates_total = 0
        self.resolved: Commune | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> CommuneInput:
        return CommuneInput(
            text=str(data.get(name) or ""),
            code=str(data.get(f"{name}_code") or ""),
            choice=str(data.get(f"{name}_choice") or ""),
        )

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(k in data for k in (name, f"{name}_code", f"{name}_choice"))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        text, code = self._text_and_code(value)
        widget = context["widget"]
        widget["value"] = text
        widget["code"] = code
        widget["code_name"] = f"{name}_code"
        widget["choice_name"] = f"{name}_choice"
        widget["suggest_url"] = reverse("territory:commune_search")
        widget["max_length"] = COMMUNE_TEXT_MAX_LENGTH
        widget["candidates"] = [(c.code, commune_label(c), c.postal_codes) for c in self.candidates]
        widget["candidates_more"] = max(0, self.candidates_total - len(self.candidates))
        return context

    def _text_and_code(self, value: Any) -> tuple[str, str]:
        if isinstance(value, CommuneInput):
            if self.resolved is not None:
                return commune_label(self.resolved), self.resolved.code
            return value.text, value.code if INSEE_CODE.match(value.code) else ""
        if isinstance(value, Commune):
            return commune_label(value), value.code
        if value:
            commune = Commune.objects.filter(code=str(value)).first()
            if commune is not None:
                return commune_label(commune), commune.code
            return str(value), ""
        return "", ""

    def format_value(self, value: Any) -> Any:
        return value

    def id_for_label(self, id_: str) -> str:
        return id_


class CommuneField(forms.Field):
    """A commune typed as people know it: its name ("saint emilion" is Saint-Émilion), "name
    (département)", a postcode or its INSEE code. Cleans to a ``Commune``.

    Ambiguous text (homonyms, a postcode shared by several communes) or unknown text is
    refused with the matches listed as radio buttons; what was typed is kept.
    """

    widget = CommuneWidget
    default_error_messages = {
        "required": _("Type the name of a commune or its postcode."),
        "too_long": _("Type at most %(max)s characters."),
        "control": _("Remove the special characters from the commune."),
        "ambiguous": _(
            "Several communes match “%(query)s”: choose yours in the list, or type its name "
            "with its département, e.g. %(example)s."
        ),
        "ambiguous_more": _(
            "%(total)s communes match “%(query)s”: choose yours among the largest, listed "
            "here, or type more of its name."
        ),
        "guessed": _("No commune is named “%(query)s”. Did you mean one of these?"),
        "unknown": _(
            "No commune of %(region)s matches “%(query)s”. Type the name of a commune or a "
            "five-digit postcode."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Commune"))
        kwargs.setdefault(
            "help_text", _("Its name or its postcode, for example Bressuire or 79300.")
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "maxlength": str(COMMUNE_TEXT_MAX_LENGTH),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )
        return attrs

    def to_python(self, value: Any) -> Commune | None:
        widget: CommuneWidget = self.widget  # type: ignore[assignment]
        widget.candidates, widget.candidates_total, widget.resolved = [], 0, None
        if isinstance(value, Commune) or value is None:
            return value
        if not isinstance(value, CommuneInput):
            value = CommuneInput(text=str(value))
        for part in (value.text, value.code, value.choice):
            if any(unicodedata.category(ch) in _CONTROL_CATEGORIES for ch in part):
                raise ValidationError(self.error_messages["control"], code="control")
        if len(value.text) > COMMUNE_TEXT_MAX_LENGTH:
            raise ValidationError(
                self.error_messages["too_long"],
                code="too_long",
                params={"max": COMMUNE_TEXT_MAX_LENGTH},
            )
        code = value.choice if INSEE_CODE.match(value.choice.strip()) else value.code
        if not value.text.strip() and not INSEE_CODE.match(code.strip()):
            return None
        choice = commune_resolve(query=value.text, code=code[:5])
        if choice.commune is not None:
            widget.resolved = choice.commune
            return choice.commune
        if not choice.query:
            return None
        params = {
            "query": choice.query,
            "region": settings.TERRITORY_REGION_NAME,
            "total": choice.total,
        }
        if choice.candidates:
            widget.candidates, widget.candidates_total = choice.candidates, choice.total
            first = choice.candidates[0]
            params["example"] = commune_label(first)
            if choice.guessed:
                key = "guessed"
            elif choice.total > len(choice.candidates):
                key = "ambiguous_more"
            else:
                key = "ambiguous"
            raise ValidationError(self.error_messages[key], code=key, params=params)
        raise ValidationError(self.error_messages["unknown"], code="unknown", params=params)

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_code = initial.code if isinstance(initial, Commune) else str(initial or "")
        if isinstance(data, CommuneInput):
            return bool(data) and (data.code or data.text) != initial_code
        return bool(data) and str(data) != initial_code
