"""Forms of the instruction side: the list's filters, assessments, amount, transitions, opinions,
the committee's decision and project reviews.

Amounts are typed in euros (``Decimal``) and handed to the services in cents. The forms only
parse and check what a form can check (ranges, required fields); the services keep the rules.
"""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts.models import Organisation, OrganisationKind, User
from tierslieux.calls.models import (
    Application,
    Call,
    OpinionVerdict,
    PartnerKind,
    VulnerabilityProfile,
)
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock, money
from tierslieux.core.forms import EurosField
from tierslieux.core.roles import Role
from tierslieux.territory.models import Departement

# Organisations that may be asked an opinion, and the partner kind each suggests.
PARTNER_KIND_BY_ORGANISATION_KIND: dict[str, str] = {
    OrganisationKind.STATE: PartnerKind.STATE,
    OrganisationKind.DEPARTEMENT: PartnerKind.DEPARTEMENT,
    OrganisationKind.EPCI: PartnerKind.EPCI,
    OrganisationKind.COMMUNE: PartnerKind.COMMUNE,
    OrganisationKind.NETWORK: PartnerKind.NETWORK,
}
OPINION_DUE_DAYS = 15


def _blank(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


def cents(euros: Decimal | None) -> int | None:
    return None if euros is None else money.euros_to_cents(euros)


euros = money.cents_to_euros


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# --- the list of applications ----------------------------------------------------------------


class ApplicationFilterForm(forms.Form):
    """Filters of the applications' list (and of its exports)."""

    call = forms.ModelChoiceField(
        label=_("Call"), queryset=Call.objects.all(), required=False, empty_label=_("All")
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_blank([c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT]),
    )
    departement = forms.ChoiceField(label=_("Département"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departements = Departement.objects.filter(region_code=settings.TERRITORY_REGION_CODE)
        self.fields["departement"].choices = _blank([(d.code, str(d)) for d in departements])

    def filters(self) -> dict:
        """The cleaned filters (empty when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {"call": None, "state": "", "departement": "", "mine": False}
        return self.cleaned_data

    @staticmethod
    def narrow(applications: QuerySet[Application], *, departement: str, mine: bool, user):
        """Narrow a visible list to one département and to the user's assignments."""
        if departement:
            applications = applications.filter(commune__departement_id=departement)
        if mine:
            applications = applications.filter(instructors=user)
        return applications


# --- the instruction page --------------------------------------------------------------------


class AssessmentForm(forms.Form):
    """The score and comment of one criterion; ``version`` is the one the editor read."""

    score = forms.IntegerField(label=_("Score"), required=False, min_value=0)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, row, **kwargs):
        kwargs.setdefault("prefix", f"crit-{row.criterion_id}")
        kwargs.setdefault(
            "initial", {"score": row.score, "comment": row.comment, "version": row.version}
        )
        super().__init__(*args, **kwargs)
        self.row = row
        score = self.fields["score"]
        score.max_value = row.scale_max
        score.validators.append(MaxValueValidator(row.scale_max))
        score.widget.attrs.update({"min": 0, "max": row.scale_max})
        score.help_text = _("From 0 to %(max)s.") % {"max": row.scale_max}


class AssignForm(forms.Form):
    instructor = forms.ModelChoiceField(label=_("Instructor"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.INSTRUCTOR.value)
            .distinct()
            .order_by("last_name", "username")
        )
        self.fields["instructor"].label_from_instance = lambda u: u.get_full_name() or u.username


class AmountForm(forms.Form):
    profile = forms.ChoiceField(
        label=_("Vulnerability profile of the territory"),
        choices=VulnerabilityProfile.choices,
    )
    proposed = EurosField(
        label=_("Amount proposed to the committee (€)"),
        required=False,
        help_text=_("Leave empty to propose the suggested amount."),
    )
    reason = forms.CharField(
        label=_("Reason for another amount"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the amount differs from the suggestion."),
    )


class TransitionForm(forms.Form):
    """The reason of a move; the target state is the value of the button pressed (``to``)."""

    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, transition=None, **kwargs):
        if transition is not None:
            kwargs.setdefault("prefix", f"to-{transition.target}")
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition is not None and transition.reason_required:
            self.fields["reason"].label = _("Reason (sent to the holder)")
            self.fields["reason"].widget.attrs["aria-required"] = "true"


class OpinionRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Organisation.objects.none()
    )
    partner_kind = forms.ChoiceField(label=_("Kind of partner"), choices=PartnerKind.choices)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)
    question = forms.CharField(
        label=_("Question to the partner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {"due_on": clock.today() + datetime.timedelta(days=OPINION_DUE_DAYS)},
        )
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind__in=list(PARTNER_KIND_BY_ORGANISATION_KIND)
        ).order_by("name")

    def clean(self):
        data = super().clean()
        due_on = data.get("due_on")
        if due_on and due_on < clock.today():
            self.add_error("due_on", _("The due date cannot be in the past."))
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Committee's decision"),
        choices=[("accepted", _("Accepted")), ("rejected", _("Rejected"))],
        widget=forms.RadioSelect,
    )
    granted = EurosField(
        label=_("Amount granted (€)"),
        required=False,
        help_text=_("The proposed amount when left empty."),
    )
    committee_on = forms.DateField(label=_("Committee date"), widget=DateInput)
    reference = forms.CharField(label=_("Decision reference"), required=False, max_length=100)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a rejection; sent to the holder."),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "rejected" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give the reason for the rejection."))
        return data


# --- partners --------------------------------------------------------------------------------


class OpinionGiveForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Your opinion"), choices=OpinionVerdict.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


# --- project reviews -------------------------------------------------------------------------


class ReviewCreateForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the review"), widget=DateInput)
    call = forms.ModelChoiceField(
        label=_("Call"), queryset=Call.objects.all(), required=False, empty_label=_("Any call")
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications discussed"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, applications: QuerySet[Application], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = applications
        field.label_from_instance = lambda a: (
            f"{a.title} — {a.organisation} ({a.get_state_display()})"
        )

    def clean(self):
        data = super().clean()
        call = data.get("call")
        if call is not None:
            others = [a for a in data.get("applications") or [] if a.call_id != call.pk]
            if others:
                self.add_error(
                    "applications",
                    _("These applications belong to another call: %(titles)s.")
                    % {"titles": ", ".join(a.title for a in others)},
                )
        return data


class ReviewItemForm(forms.Form):
    network_view = forms.CharField(
        label=_("View of the regional network"), widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("No recommendation")), *OpinionVerdict.choices],
    )

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("prefix", f"item-{item.pk}")
        kwargs.setdefault(
            "initial", {"network_view": item.network_view, "recommendation": item.recommendation}
        )
        super().__init__(*args, **kwargs)
        self.item = item
