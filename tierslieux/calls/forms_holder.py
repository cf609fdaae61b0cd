"""Forms of the project holder: the organisation, a new application, the application's sections
(project, answers to the criteria, financing plan), attachments, messages and withdrawal.

Forms parse and check what a form can check (formats, lengths, a SIRET's key, a known commune);
the services keep the rules. Amounts are typed in euros (``1 500,50`` or ``1500.50``) and handed
to the services in cents.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts.models import RNA_PATTERN, OrganisationKind
from tierslieux.calls import rules
from tierslieux.calls.models import CallCriterion, CallKind, CoFinancer
from tierslieux.calls.services import ExpenseInput, ResourceInput
from tierslieux.calls.storage import attachment_policy
from tierslieux.core import money
from tierslieux.core.forms import EurosField
from tierslieux.core.uploads import CheckedUpload, check_upload
from tierslieux.places.models import Place
from tierslieux.places.selectors import place_open_published
from tierslieux.territory.forms import CommuneField

# The kinds of organisation that carry a tiers-lieu project.
HOLDER_ORGANISATION_KINDS: tuple[str, ...] = (
    OrganisationKind.ASSOCIATION,
    OrganisationKind.COMPANY,
    OrganisationKind.COMMUNE,
    OrganisationKind.EPCI,
    OrganisationKind.OTHER,
)


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- organisation --------------------------------------------------------------------------


class OrganisationRegisterForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[(k, OrganisationKind(k).label) for k in HOLDER_ORGANISATION_KINDS],
    )
    siret = forms.CharField(
        label=_("SIRET number"),
        max_length=20,
        help_text=_("14 digits (spaces allowed), as on the organisation's INSEE notice."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rna = forms.CharField(
        label=_("RNA number (associations)"),
        max_length=20,
        required=False,
        help_text=_(
            "W followed by 9 digits, as on the association's receipt from the prefecture; "
            "published with the grants' open data."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_rna(self) -> str:
        rna = re.sub(r"\s", "", self.cleaned_data["rna"]).upper()
        if rna and not re.fullmatch(RNA_PATTERN, rna):
            raise forms.ValidationError(
                _("An RNA number is W followed by 9 digits (e.g. W332001234)."), code="rna"
            )
        return rna

    def clean_siret(self) -> str:
        siret = re.sub(r"\s", "", self.cleaned_data["siret"])
        if not rules.siret_is_valid(siret):
            raise forms.ValidationError(
                _("This SIRET number is not valid (14 digits with a check key)."), code="siret"
            )
        return siret


# --- a new application ---------------------------------------------------------------------


class ApplicationCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Name of the project"),
        max_length=200,
        help_text=_("You can change it later."),
    )


# --- the project ---------------------------------------------------------------------------


class ApplicationProjectForm(forms.Form):
    """The project's sections. Everything but the name may stay empty in a draft: what is still
    missing is listed on the application's page and checked at submission."""

    title = forms.CharField(label=_("Name of the project"), max_length=200)
    summary = forms.CharField(
        label=_("Summary of the project"), required=False, widget=_textarea(5)
    )
    collective = forms.CharField(
        label=_("The collective"),
        required=False,
        widget=_textarea(),
        help_text=_("Who carries the project: people, associations, firms, local partners."),
    )
    governance = forms.CharField(
        label=_("Governance"),
        required=False,
        widget=_textarea(),
        help_text=_("How decisions are taken, and how users take part in them."),
    )
    service_offer = forms.CharField(
        label=_("Service offer"),
        required=False,
        widget=_textarea(),
        help_text=_("Coworking, workshop, digital services, activities, opening hours."),
    )
    business_model = forms.CharField(
        label=_("Business model"),
        required=False,
        widget=_textarea(),
        help_text=_("Revenues, prices, jobs, and how the place will balance its accounts."),
    )
    premises = forms.CharField(
        label=_("Premises"),
        required=False,
        widget=_textarea(),
        help_text=_("Where the place is, its area, its state, the works needed."),
    )
    premises_lent_by_authority = forms.TypedChoiceField(
        label=_("Does a local authority lend the premises?"),
        required=False,
        choices=[("", _("Not known yet")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        widget=forms.RadioSelect,
    )
    premises_authority = forms.CharField(
        label=_("Lending local authority"),
        max_length=200,
        required=False,
        help_text=_("If a local authority lends the premises: which one."),
    )
    timeline = forms.CharField(
        label=_("Timeline"),
        required=False,
        widget=_textarea(),
        help_text=_("The main steps and their dates, until the opening."),
    )
    commune = CommuneField(required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    place = forms.ModelChoiceField(
        label=_("The tiers-lieu to develop"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("Choose the tiers-lieu"),
        help_text=_("The tiers-lieu of the directory this project develops."),
    )
    staff_fte = forms.DecimalField(
        label=_("Staff (full-time equivalent)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        localize=True,
        validators=[MinValueValidator(Decimal(0))],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        help_text=_("For example 1,5 for one full-time and one half-time job."),
    )

    def __init__(self, *args: Any, call_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if call_kind == CallKind.DEVELOPMENT:
            self.fields["place"].queryset = (
                place_open_published().select_related("commune").order_by("name")
            )
        else:
            del self.fields["place"]
            del self.fields["staff_fte"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("premises_lent_by_authority") is False:
            data["premises_authority"] = ""
        return data

    def content(self) -> dict[str, Any]:
        """The application's content fields, for ``application_update``."""
        data = dict(self.cleaned_data)
        data.pop("title", None)
        return data


def project_initial(application: Any) -> dict[str, Any]:
    """The project form's initial values from an application."""
    lent = application.premises_lent_by_authority
    return {
        "title": application.title,
        "summary": application.summary,
        "collective": application.collective,
        "governance": application.governance,
        "service_offer": application.service_offer,
        "business_model": application.business_model,
        "premises": application.premises,
        "premises_lent_by_authority": "" if lent is None else ("yes" if lent else "no"),
        "premises_authority": application.premises_authority,
        "timeline": application.timeline,
        "commune": application.commune_id or "",
        "address": application.address,
        "place": application.place_id,
        "staff_fte": application.staff_fte,
    }


class CriterionAnswersForm(forms.Form):
    """One text area per criterion of the call (``answer_<criterion id>``)."""

    def __init__(self, *args: Any, criteria: list[CallCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"answer_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                help_text=criterion.description,
                required=False,
                widget=_textarea(5),
            )

    def answers(self) -> list[tuple[CallCriterion, str]]:
        return [(c, self.cleaned_data[f"answer_{c.pk}"].strip()) for c in self.criteria]


# --- the financing plan ----------------------------------------------------------------------


class PlanLineForm(forms.Form):
    """A line of the plan. A row left blank is ignored; any other row is checked (and kept)."""

    blank_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        if not self.is_bound:
            return super().has_changed()
        return any((self.data.get(self.add_prefix(n)) or "").strip() for n in self.blank_fields)


class ExpenseLineForm(PlanLineForm):
    blank_fields = ("label", "amount")

    label = forms.CharField(label=_("Expense"), max_length=200)
    amount = EurosField(label=_("Amount (euros)"), min_value=Decimal("0.01"))
    is_eligible = forms.BooleanField(
        label=_("Eligible to regional aid"), required=False, initial=True
    )

    def line(self) -> ExpenseInput:
        return ExpenseInput(
            label=self.cleaned_data["label"].strip(),
            amount_cents=money.euros_to_cents(self.cleaned_data["amount"]),
            is_eligible=self.cleaned_data["is_eligible"],
        )


class ResourceLineForm(PlanLineForm):
    blank_fields = ("financer", "label", "amount")

    financer = forms.ChoiceField(label=_("Co-financer"), choices=[("", "—"), *CoFinancer.choices])
    label = forms.CharField(label=_("Details"), max_length=200, required=False)
    amount = EurosField(label=_("Amount (euros)"), min_value=Decimal("0.01"))
    is_secured = forms.BooleanField(label=_("Secured"), required=False)

    def line(self) -> ResourceInput:
        return ResourceInput(
            financer=self.cleaned_data["financer"],
            label=self.cleaned_data["label"].strip(),
            amount_cents=money.euros_to_cents(self.cleaned_data["amount"]),
            is_secured=self.cleaned_data["is_secured"],
        )


class PlanFormSet(forms.BaseFormSet):
    """Lines of one side of the plan; blank rows are ignored, ticked rows deleted."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        kwargs["empty_permitted"] = True  # blank rows, existing lines included, are skipped
        return super()._construct_form(i, **kwargs)

    def lines(self) -> list[Any]:
        return [
            form.line()
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]

    def amounts_cents(self) -> list[int]:
        """The amounts typed so far, for the running balance (unparsable amounts count 0)."""
        amounts = []
        for form in self.forms:
            if self.can_delete and form.data.get(form.add_prefix("DELETE")):
                continue
            field = form.fields["amount"]
            raw = form.data.get(form.add_prefix("amount"), "")
            try:
                value = field.to_python(raw)
            except (forms.ValidationError, InvalidOperation):
                value = None
            if value is not None and value > 0:
                amounts.append(money.euros_to_cents(value))
        return amounts


EXTRA_PLAN_ROWS = 2

ExpenseFormSet = forms.formset_factory(
    ExpenseLineForm, formset=PlanFormSet, extra=EXTRA_PLAN_ROWS, can_delete=True
)
ResourceFormSet = forms.formset_factory(
    ResourceLineForm, formset=PlanFormSet, extra=EXTRA_PLAN_ROWS, can_delete=True
)


def _euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def expense_initial(application: Any) -> list[dict[str, Any]]:
    return [
        {"label": e.label, "amount": _euros(e.amount_cents), "is_eligible": e.is_eligible}
        for e in application.expenses.all()
    ]


def resource_initial(application: Any) -> list[dict[str, Any]]:
    return [
        {
            "financer": r.financer,
            "label": r.label,
            "amount": _euros(r.amount_cents),
            "is_secured": r.is_secured,
        }
        for r in application.resources.all()
    ]


# --- attachments, messages, withdrawal ------------------------------------------------------


class AttachmentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, ODT, DOCX, PNG or JPEG, 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.odt,.docx,.png,.jpg,.jpeg"}),
    )
    label = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For example: statutes, quotes, floor plan."),
    )

    def clean_file(self) -> CheckedUpload:
        """Checked here, before the service opens its transaction (``core.uploads``)."""
        return check_upload(self.cleaned_data["file"], policy=attachment_policy())


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=_textarea(4), max_length=5000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the application? (optional)"),
        required=False,
        widget=_textarea(3),
    )
