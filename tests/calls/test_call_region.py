"""A call belongs to a region among those the deployment serves and its author acts in
(ADR 0029): refused with the reason otherwise, and nothing saved."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, CallFactory, DecisionFactory
from tierslieux.calls import selectors, services
from tierslieux.calls.models import Call

pytestmark = pytest.mark.django_db

TWO_REGIONS = ("75", "84")


def _create(by, **extra):
    return services.call_create(
        name="AMI régional",
        kind="creation",
        year=2027,
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 3, 1),
        budget_cents=1_000_000_00,
        by=by,
        **extra,
    )


def test_a_call_is_of_its_authors_region_by_default(settings):
    settings.TERRITORY_REGIONS = TWO_REGIONS
    assert _create(UserFactory(instructor=True)).region_code == "75"
    assert _create(UserFactory(instructor=True, region_code="84")).region_code == "84"


def test_a_call_outside_the_authors_region_is_refused_and_nothing_saved(settings):
    settings.TERRITORY_REGIONS = TWO_REGIONS
    with pytest.raises(ValidationError) as refused:
        _create(UserFactory(instructor=True, region_code="84"), region_code="75")
    message = refused.value.message_dict["region_code"][0]
    assert "84 Auvergne-Rhône-Alpes" in message and "75 Nouvelle-Aquitaine" in message
    assert not Call.objects.filter(name="AMI régional").exists()


def test_a_call_of_a_region_not_served_is_refused_even_for_a_superuser(settings):
    with pytest.raises(ValidationError) as refused:
        _create(UserFactory(superuser=True), region_code="84")
    assert "not served" in refused.value.message_dict["region_code"][0]
    assert not Call.objects.filter(name="AMI régional").exists()
    with pytest.raises(ValidationError):
        CallFactory.build(region_code="84").full_clean()


def test_the_admin_form_offers_the_authors_regions_and_refuses_another(client, settings):
    settings.TERRITORY_REGIONS = TWO_REGIONS
    staff = UserFactory(instructor=True, region_code="84", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_call"))
    client.force_login(staff)
    page = client.get("/admin/calls/call/add/", HTTP_ACCEPT_LANGUAGE="en")
    field = page.context["adminform"].form.fields["region_code"]
    assert [code for code, _name in field.widget.choices] == ["84"]
    prefix = {
        f"{name}-{key}": value
        for name in ("criteria", "aid_rules", "ceilings")
        for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
    }
    data = {
        "name": "AMI d'une autre région",
        "kind": "creation",
        "year": 2027,
        "opens_on": "2027-01-01",
        "closes_on": "2027-03-01",
        "budget_cents": 100_000_00,
        "carence_minutes": 20,
        "min_years_open": 3,
        "min_staff_fte": "0.5",
        **prefix,
    }
    refused = client.post(
        "/admin/calls/call/add/", {**data, "region_code": "75"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors["region_code"]
    assert "only in your own region" in errors[0]
    assert not Call.objects.filter(name="AMI d'une autre région").exists()
    made = client.post("/admin/calls/call/add/", {**data, "region_code": "84"})
    assert made.status_code == 302
    assert Call.objects.get(name="AMI d'une autre région").region_code == "84"


def test_each_region_has_its_own_yearly_budget(settings):
    settings.TERRITORY_REGIONS = TWO_REGIONS
    here = CallFactory(year=2027, budget_cents=1_000_00)
    there = CallFactory(year=2027, budget_cents=5_000_00, region_code="84")
    DecisionFactory(application=ApplicationFactory(call=there), granted_cents=2_000_00)
    assert selectors.budget_by_year(2027, region_code="75").envelope_cents == 1_000_00
    assert selectors.budget_by_year(2027, region_code="75").committed_cents == 0
    assert selectors.budget_by_year(2027, region_code="84").committed_cents == 2_000_00
    assert selectors.budget_by_year(2027).envelope_cents == 6_000_00
    assert list(selectors.calls_of_year(2027, region_code="84")) == [there]
    assert here.region_code == "75"
