"""Forms of the agreements' pages: the list's filters, the new agreement (with its indicators and
payment schedule), the agreement's actions (transitions, meetings, payments), premises
agreements and the accompaniment journal.

Amounts are typed in euros and handed to the services in cents. The forms check what a form can
check (types, required fields); the services keep the business rules and their messages.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts.models import Organisation, OrganisationKind
from tierslieux.agreements import rules
from tierslieux.agreements.models import (
    IndicatorKind,
    JournalKind,
    MilestoneDecision,
    MilestoneKind,
    ProjectStage,
    ReferralTo,
)
from tierslieux.agreements.workflow import AgreementState
from tierslieux.calls.models import Application, Call
from tierslieux.calls.selectors import application_visible_qs
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock
from tierslieux.core.forms import EurosField, LenientDecimalField, normalise_decimal_text
from tierslieux.core.money import cents_to_euros, euros_to_cents
from tierslieux.places.models import Place
from tierslieux.territory.forms import CommuneField
from tierslieux.territory.models import Departement

AUTHORITY_KINDS = (
    OrganisationKind.COMMUNE,
    OrganisationKind.EPCI,
    OrganisationKind.DEPARTEMENT,
    OrganisationKind.REGION,
    OrganisationKind.STATE,
)


def _blank(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


def cents(value: Decimal | None) -> int:
    return 0 if value is None else euros_to_cents(value)


euros = cents_to_euros


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _departement_choices() -> list[tuple[str, str]]:
    departements = Departement.objects.filter(region_code=settings.TERRITORY_REGION_CODE)
    return _blank([(d.code, str(d)) for d in departements])


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- the list --------------------------------------------------------------------------------


class AgreementFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(AgreementState.choices)
    )
    call = forms.ModelChoiceField(
        label=_("Call"), queryset=Call.objects.all(), required=False, empty_label=_("All")
    )
    departement = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = _departement_choices()

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"state": "", "call": None, "departement": ""}
        return self.cleaned_data


# --- a new agreement -------------------------------------------------------------------------


class AgreementForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=100,
        help_text=_("Empty: the reference of the committee's decision."),
    )
    parties = forms.CharField(label=_("Parties"), widget=_textarea(2))
    object = forms.CharField(label=_("Object of the agreement"), widget=_textarea(3))
    starts_on = forms.DateField(label=_("Start of the funding period"), widget=DateInput)
    ends_on = forms.DateField(label=_("End of the funding period"), widget=DateInput)

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("The funding period must end after it starts."))
        return data


class IndicatorForm(forms.Form):
    """One indicator: numbers when quantitative, descriptions when qualitative."""

    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    label = forms.CharField(label=_("Indicator"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = forms.CharField(label=_("Baseline"), max_length=500)
    target = forms.CharField(label=_("Target"), max_length=500)

    def has_changed(self) -> bool:
        """A blank row stays blank whatever its kind says (a select always sends a value)."""
        return any(name != "kind" for name in self.changed_data)

    def clean(self):
        data = super().clean()
        if data.get("kind") == IndicatorKind.QUANTITATIVE:
            for name in ("baseline", "target"):
                raw = data.get(name)
                if raw is None:
                    continue
                number = parse_decimal(raw)
                if number is None:
                    self.add_error(name, _("A quantitative indicator needs a number."))
                else:
                    data[name] = number
        return data


def parse_decimal(raw: str) -> Decimal | None:
    """A number typed in French or English ("1 234,5" or "1234.5"), else ``None``."""
    try:
        number = Decimal(normalise_decimal_text(raw))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


class BaseOptionalFormSet(forms.BaseFormSet):
    """Rows left empty are ignored (the formset offers a few blank rows)."""

    def rows(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
        ]


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseOptionalFormSet, extra=3, can_delete=False
)


class TrancheForm(forms.Form):
    label = forms.CharField(label=_("Tranche"), max_length=200)
    amount = EurosField(label=_("Amount (€)"))
    condition = forms.CharField(
        label=_("Condition"),
        required=False,
        help_text=_("Empty: written from the meeting it depends on."),
    )
    depends_on = forms.ChoiceField(
        label=_("Payable after"),
        required=False,
        choices=[("", _("Signature (advance)")), *MilestoneKind.choices],
    )

    def has_changed(self) -> bool:
        return any(name != "depends_on" for name in self.changed_data)


TrancheFormSet = forms.formset_factory(
    TrancheForm, formset=BaseOptionalFormSet, extra=1, can_delete=False
)


def default_tranche_initial(granted_cents: int) -> list[dict]:
    """The default schedule as the formset's initial rows (labels translated)."""
    labels = {
        "advance": _("Advance at signature"),
        "intermediate": _("Intermediate payment"),
        "balance": _("Balance"),
    }
    return [
        {
            "label": labels.get(spec.label, spec.label),
            "amount": euros(spec.amount_cents),
            "depends_on": spec.depends_on,
        }
        for spec in rules.default_schedule(granted_cents)
    ]


# --- the agreement's actions -----------------------------------------------------------------


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=_textarea(2))


class RescheduleForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
    amount = EurosField(label=_("Amount paid (€)"))


class MilestoneRecordForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    participants = forms.CharField(label=_("Participants"), widget=_textarea(3))
    minutes = forms.CharField(label=_("Minutes"), widget=_textarea(6))
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[c for c in MilestoneDecision.choices if c[0] != MilestoneDecision.PENDING],
    )


class IndicatorValueForm(forms.Form):
    """The value of one indicator at a meeting (a number or an observation)."""

    value = forms.CharField(label=_("Value"), required=False, max_length=40)
    text = forms.CharField(label=_("Observation"), required=False, widget=_textarea(2))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def __init__(self, *args, indicator, **kwargs):
        kwargs.setdefault("prefix", f"ind-{indicator.pk}")
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.kind == IndicatorKind.QUANTITATIVE:
            self.fields["value"].label = (
                _("Value (%(unit)s)") % {"unit": indicator.unit} if indicator.unit else _("Value")
            )
            self.fields["value"].widget.attrs["inputmode"] = "decimal"
            del self.fields["text"]
        else:
            del self.fields["value"]

    def clean_value(self):
        raw = self.cleaned_data.get("value", "")
        if not raw:
            return None
        number = parse_decimal(raw)
        if number is None:
            raise forms.ValidationError(_("Please type a number."))
        return number

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return data.get("value") is None and not data.get("text")


# --- premises agreements ---------------------------------------------------------------------


class PremisesAgreementForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("Local authority"), queryset=Organisation.objects.none()
    )
    place = forms.ModelChoiceField(label=_("Tiers-lieu"), queryset=Place.objects.none())
    application = forms.ModelChoiceField(
        label=_("Application (optional)"),
        queryset=Application.objects.none(),
        required=False,
        help_text=_("An accepted application makes the project eligible to works support."),
    )
    address = forms.CharField(label=_("Address of the premises"), max_length=300)
    surface_m2 = LenientDecimalField(
        label=_("Surface (m²)"),
        min_value=Decimal("0.1"),
        max_digits=8,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    yearly_rent = EurosField(label=_("Yearly rent (€)"))
    reference_rent_per_m2 = EurosField(
        label=_("Reference market rent (€ per m² and year)"),
        required=False,
        help_text=_("The local market rent, to judge whether the rent is moderate."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    duration_months = forms.IntegerField(label=_("Duration (months)"), min_value=1, max_value=600)
    renewal_on = forms.DateField(label=_("Renewal date"), required=False, widget=DateInput)
    renewal_notice_days = forms.IntegerField(
        label=_("Renewal reminder (days before)"), min_value=0, max_value=3650, initial=90
    )
    works_supported = EurosField(label=_("Works supported (€)"), required=False)
    works_description = forms.CharField(label=_("Works"), required=False, widget=_textarea(2))
    works_eligible = forms.BooleanField(
        label=_("The project is eligible to the call (AMI)"),
        required=False,
        help_text=_("Renovation works are supported only for an eligible project."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Organisation.objects.filter(
            kind__in=AUTHORITY_KINDS
        ).order_by("name")
        self.fields["place"].queryset = Place.objects.select_related("commune").order_by("name")
        self.fields["application"].queryset = (
            Application.objects.exclude(state=ApplicationState.DRAFT)
            .select_related("organisation")
            .order_by("title")
        )

    def service_fields(self) -> dict:
        """The cleaned data as the service's keyword arguments (money in cents)."""
        data = self.cleaned_data
        fields = {
            "authority": data["authority"],
            "place": data["place"],
            "application": data["application"],
            "address": data["address"],
            "surface_m2": data["surface_m2"],
            "yearly_rent_cents": cents(data["yearly_rent"]),
            "reference_rent_per_m2_cents": cents(data.get("reference_rent_per_m2")),
            "starts_on": data["starts_on"],
            "duration_months": data["duration_months"],
            "renewal_on": data.get("renewal_on"),
            "renewal_notice_days": data["renewal_notice_days"],
            "works_supported_cents": cents(data.get("works_supported")),
            "works_description": data.get("works_description", ""),
        }
        if data.get("works_eligible") or not data.get("application"):
            # Unticked with an application: the service judges from the application.
            fields["works_eligible"] = bool(data.get("works_eligible"))
        return fields


# --- accompaniment journal -------------------------------------------------------------------


class JournalFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_blank(ProjectStage.choices)
    )
    departement = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = _departement_choices()

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"stage": "", "departement": ""}
        return self.cleaned_data


class PipelineFilterForm(forms.Form):
    departement = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = _departement_choices()


class JournalEntryForm(forms.Form):
    project_label = forms.CharField(
        label=_("Project"),
        required=False,
        max_length=200,
        help_text=_("Name the project, or choose its tiers-lieu or its application."),
    )
    place = forms.ModelChoiceField(
        label=_("Tiers-lieu"), queryset=Place.objects.none(), required=False
    )
    application = forms.ModelChoiceField(
        label=_("Application"), queryset=Application.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    commune = CommuneField(required=False)
    stage = forms.ChoiceField(label=_("Stage of the project"), choices=ProjectStage.choices)
    kind = forms.ChoiceField(label=_("Kind of step"), choices=JournalKind.choices)
    referral_to = forms.ChoiceField(
        label=_("Referred to"),
        required=False,
        choices=[("", "—"), *ReferralTo.choices],
        help_text=_("For a referral only."),
    )
    happened_on = forms.DateField(label=_("Date"), widget=DateInput)
    notes = forms.CharField(label=_("Notes"), required=False, widget=_textarea(4))

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("initial", {"happened_on": clock.today()})
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.order_by("name")
        # Only the applications the writer may see (the network sees those it gave opinions on).
        self.fields["application"].queryset = (
            application_visible_qs(user=user)
            .exclude(state=ApplicationState.DRAFT)
            .order_by("title")
        )
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")


def default_period(application: Application) -> tuple[datetime.date, datetime.date]:
    """The funding period proposed for a new agreement: the decision's, else two years."""
    decision = application.decision
    starts_on = decision.payment_starts_on or clock.today()
    ends_on = decision.payment_ends_on
    if ends_on is None or ends_on <= starts_on:
        ends_on = rules.add_months(starts_on, 24)
    return starts_on, ends_on
