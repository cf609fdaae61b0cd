"""Forms of the yearly survey: the questionnaire (public, through a personal link, or filled by
staff on the phone) and the creation of a year's survey.

The forms check what a form can check (numbers, choices); the services keep the rules.
"""

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tierslieux.core import clock
from tierslieux.places.models import Place, PlaceService
from tierslieux.surveys.models import (
    BusinessModelConfidence,
    GovernanceKind,
    SurveyResponse,
    TurnoverRange,
)

MAX_COUNT = 100_000

# Sections of the questionnaire: (id, legend, hint, field names). Each becomes a <fieldset>.
SECTIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "activity",
        _("Activity"),
        _("Estimates are welcome: give your best figure for an ordinary week of the year."),
        ("users_per_week", "jobs_hosted"),
    ),
    (
        "economy",
        _("Economic model"),
        "",
        ("turnover_range", "business_model_confidence"),
    ),
    ("services", _("Services"), "", ("services",)),
    ("governance", _("Governance"), "", ("governance",)),
    ("comments", _("Anything to add?"), "", ("comments", "respondent_name")),
)


class ResponseForm(forms.Form):
    users_per_week = forms.IntegerField(
        label=_("How many different people use the place in an ordinary week?"),
        help_text=_("Coworkers, visitors of the workshops, the café, the events… (a number)."),
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    jobs_hosted = forms.IntegerField(
        label=_("How many jobs does the place host?"),
        help_text=_(
            "Your own staff and the people who work there regularly (coworkers, craftspeople), "
            "counted as persons (a number)."
        ),
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    turnover_range = forms.ChoiceField(
        label=_("Turnover of the last financial year"),
        help_text=_("All the place's income: rents, services, events, sales (excluding grants)."),
        choices=TurnoverRange.choices,
        widget=forms.RadioSelect,
    )
    business_model_confidence = forms.ChoiceField(
        label=_("How confident are you in the place's business model for the coming years?"),
        choices=BusinessModelConfidence.choices,
        widget=forms.RadioSelect,
    )
    services = forms.MultipleChoiceField(
        label=_("Services offered beyond the workspace"),
        help_text=_("Tick every service the place offers (none if only workspace)."),
        choices=PlaceService.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    governance = forms.ChoiceField(
        label=_("Who takes the decisions about the place?"),
        choices=GovernanceKind.choices,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments"),
        help_text=_(
            "Difficulties, projects, needs: anything the Région and the network should know."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    respondent_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, response: SurveyResponse | None = None, **kwargs) -> None:
        if response is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(response, name)
                for name in (
                    "users_per_week",
                    "jobs_hosted",
                    "turnover_range",
                    "business_model_confidence",
                    "services",
                    "governance",
                    "comments",
                    "respondent_name",
                )
            }
        super().__init__(*args, **kwargs)

    def sections(self) -> list[dict]:
        """The form's fieldsets, each with its bound fields, for the template."""
        return [
            {"id": key, "legend": legend, "hint": hint, "fields": [self[n] for n in names]}
            for key, legend, hint, names in SECTIONS
            if all(n in self.fields for n in names)
        ]


class StaffResponseForm(ResponseForm):
    """The questionnaire filled by staff for a place, from a phone call."""

    place = forms.ModelChoiceField(
        label=_("Tiers-lieu"),
        queryset=Place.objects.none(),
        help_text=_("The place that answered on the phone."),
    )

    field_order = ["place"]

    def __init__(self, *args, places: QuerySet[Place], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places.select_related("commune").order_by("name")
        self.fields["place"].label_from_instance = lambda p: f"{p.name} — {p.commune.name}"


class SurveyCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(
        label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_demo = forms.BooleanField(
        label=_("Demo survey"),
        required=False,
        help_text=_("A demo survey asks only the demo places (never a real manager)."),
    )

    def __init__(self, *args, **kwargs) -> None:
        today = clock.today()
        kwargs.setdefault(
            "initial",
            {
                "year": today.year,
                "title": _("Panorama of tiers-lieux %(year)s") % {"year": today.year},
                "opens_on": today,
                "closes_on": today + datetime.timedelta(days=42),
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The survey must close after it opens."))
        return data
