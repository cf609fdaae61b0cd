"""The dashboard of one region (ADR 0029): a regional user's own by default, any served region
by ``?region=``, every region when none is asked; one region served: nothing changes."""

import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tierslieux.dashboard import selectors
from tierslieux.dashboard.indicators import reader
from tierslieux.dashboard.models import GrantLine, OtherGrant

pytestmark = pytest.mark.django_db

TWO_REGIONS = ("75", "84")


def _grant(region_code: str, cents: int) -> OtherGrant:
    grant = OtherGrant(
        line=GrantLine.OTHER,
        beneficiary_name="Réseau",
        label=f"Soutien {region_code}",
        year=2026,
        committed_on=datetime.date(2026, 3, 1),
        committed_cents=cents,
        region_code=region_code,
    )
    grant.full_clean()
    grant.save()
    return grant


def _committed(records) -> list[int]:
    return sorted(money.cents for money in records.committed if money.line == "other")


def test_the_records_of_one_region_hold_its_money_only():
    _grant("75", 1_000_00)
    _grant("84", 7_000_00)
    assert _committed(reader.records_load(include_demo=True)) == [1_000_00, 7_000_00]
    assert _committed(reader.records_load(include_demo=True, region_code="84")) == [7_000_00]
    here = reader.records_load(include_demo=True, region_code="75")
    assert _committed(here) == [1_000_00]
    assert (
        here.population and not reader.records_load(include_demo=True, region_code="84").population
    )  # the territory of 84 is not loaded in the tests
    with selectors.records_region("84"):
        assert _committed(selectors.indicator_records()) == [7_000_00]
        assert selectors.territory_choices() == [("", "Auvergne-Rhône-Alpes")]
    assert selectors.records_region_code() is None


def _filters(client, user=None, **query):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("dashboard:dashboard_detail"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def test_a_regional_user_sees_its_region_and_the_national_reader_chooses(client, settings):
    settings.TERRITORY_REGIONS = TWO_REGIONS
    response = _filters(client, UserFactory(instructor=True, region_code="84"))
    assert response.context["filters"].region == "84"
    choices = [code for code, _name in response.context["form"].fields["region"].choices]
    assert choices == ["", "75", "84"]
    national = UserFactory(national_reader=True)
    assert _filters(client, national).context["filters"].region is None
    assert _filters(client, national, region="84").context["filters"].region == "84"
    assert _filters(client, national, region="84").context["filters"].query()["region"] == "84"
    # Every region, asked for explicitly by a regional user.
    client.force_login(UserFactory(instructor=True, region_code="84"))
    assert _filters(client, region="").context["filters"].region is None


def test_an_unknown_region_is_refused_with_the_defaults(client, settings):
    settings.TERRITORY_REGIONS = TWO_REGIONS
    response = client.get(reverse("dashboard:dashboard_detail"), {"region": "99"})
    assert response.status_code == 400
    assert response.context["filters"].region is None


def test_one_region_served_shows_no_region_choice(client):
    response = _filters(client, UserFactory(instructor=True))
    assert "region" not in response.context["form"].fields
    assert response.context["filters"].region is None
    assert "region" not in response.context["filters"].query()


def test_holders_see_every_region_by_default(client, settings):
    from tests.calls.factories import holder_user

    settings.TERRITORY_REGIONS = TWO_REGIONS
    holder = holder_user()
    holder.region_code = "84"
    holder.save()
    assert _filters(client, holder).context["filters"].region is None
