"""Public pages of the calls: the calls (open first, then the coming and past ones), one call
with its criteria, aid rules and eligibility rules, the funded projects. Their open data (SCDL
« subventions ») is served by ``api/opendata`` (it reads the agreements, above this app)."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tierslieux.calls import selectors
from tierslieux.calls.models import Call
from tierslieux.core import clock
from tierslieux.core.money import format_euros
from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import permission_required, user_can
from tierslieux.core.region_choice import is_multi_region, region_choice_checked
from tierslieux.territory.models import Departement


def _with_euros(call: Call) -> Call:
    """The call with its envelope formatted for the page (``budget_display``)."""
    call.budget_display = format_euros(call.budget_cents)
    return call


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    region = region_choice_checked(request.GET)[0]  # the switcher shows a bad value's error
    calls = selectors.call_list_by_status(on=today, region=region.code)
    context = {
        "open_calls": [_with_euros(c) for c in calls.open],
        "coming_calls": [_with_euros(c) for c in calls.coming],
        "past_calls": [_with_euros(c) for c in calls.past],
        "today": today,
    }
    return render(request, "calls/call_list.html", context)


@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get(pk=pk)
    if call is None:
        raise Http404
    _with_euros(call)
    aid_rules = list(call.aid_rules.all())
    for rule in aid_rules:
        rule.cap_display = format_euros(rule.cap_cents)
    today = clock.today()
    status = "open" if call.is_open_on(today) else ("coming" if call.opens_on > today else "closed")
    context = {
        "call": call,
        "status": status,
        "criteria": list(call.criteria.all()),
        "aid_rules": aid_rules,
        "is_open": status == "open",
        "can_apply": user_can(request.user, "calls.application_create"),
        "has_organisation": getattr(request.user, "organisation_id", None) is not None,
    }
    return render(request, "calls/call_detail.html", context)


class FundedFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    departement = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = selectors.call_years()
        self.fields["year"].choices = [("", _("All")), *((y, str(y)) for y in years)]
        self.region_choice = region_choice_checked(self.data)[0]
        regions = (
            self.region_choice.codes if is_multi_region() else [settings.TERRITORY_REGION_CODE]
        )
        departements = Departement.objects.filter(region_code__in=regions)
        self.fields["departement"].choices = [
            ("", _("All")),
            *((d.code, f"{d.name} ({d.code})") for d in departements.order_by("code")),
        ]


@dataclass(frozen=True)
class FundedRow:
    name: str
    organisation: str
    commune: str
    commune_code: str
    amount: str
    year: int
    call: str


@require_GET
@permission_required("calls.funded_view")
def funded_list(request: HttpRequest) -> HttpResponse:
    form = FundedFilterForm(request.GET or None)
    filters = {"region": form.region_choice.code}
    if form.is_bound and form.is_valid():
        filters |= {
            "year": form.cleaned_data["year"],
            "departement": form.cleaned_data["departement"],
        }
    paged = paginate(request, selectors.funded_projects_list(**filters))
    rows = [
        FundedRow(
            name=p.name,
            organisation=p.organisation,
            commune=p.commune,
            commune_code=p.commune_code,
            amount=format_euros(p.amount_cents),
            year=p.year,
            call=p.call,
        )
        for p in paged.page.object_list
    ]
    return render(
        request,
        "calls/funded_list.html",
        {"form": form, "rows": rows, "page": paged.page, "page_query": paged.query},
    )
