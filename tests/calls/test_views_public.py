"""Public pages of the calls, per role: the calls, one call, the funded projects and the SCDL
open data file."""

import csv
import datetime
import io
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, CallFactory, commune, holder_user
from tierslieux.agreements import scdl

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def users():
    return {
        "anonymous": None,
        "holder": holder_user(),
        "other_holder": holder_user(),
        "instructor": UserFactory(instructor=True),
    }


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


ROLES = ["anonymous", "holder", "other_holder", "instructor"]


# --- the calls -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_call_list_shows_open_calls_first_then_past_ones_to_everyone(client, users, role):
    past = CallFactory(name="AMI passé", closed=True, budget_cents=50_000_000)
    today = timezone.localdate()
    coming = CallFactory(
        name="AMI à venir",
        opens_on=today + datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=40),
    )
    open_call = CallFactory(name="AMI ouvert", creation=True, budget_cents=123_456_700)

    response = _client(client, users[role]).get(reverse("calls:call_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("AMI ouvert") < html.index("AMI à venir") < html.index("AMI passé")
    assert f"1{NNBSP}234{NNBSP}567,00{NBSP}€" in html  # the envelope
    assert open_call.get_kind_display() in unescape(html)
    for call in (past, coming, open_call):
        assert reverse("calls:call_detail", args=[call.pk]) in html
    mine = reverse("calls:application_mine")
    assert (mine in html) == (role in ("holder", "other_holder"))


@pytest.mark.parametrize("role", ROLES)
def test_call_detail_shows_criteria_aid_rules_and_who_may_apply(client, users, role):
    call = CallFactory(creation=True)
    criterion = call.criteria.first()
    criterion.description = "Une description du critère."
    criterion.weight = 3
    criterion.save()

    response = _client(client, users[role]).get(reverse("calls:call_detail", args=[call.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert criterion.name in html
    assert "Une description du critère." in html
    assert '<td class="num">3</td>' in html
    assert f"60{NNBSP}000,00{NBSP}€" in html and f"100{NNBSP}000,00{NBSP}€" in html
    assert "30" in html and "50" in html
    apply_url = reverse("calls:application_create", args=[call.pk])
    assert (apply_url in html) == (role in ("holder", "other_holder"))
    login_url = reverse("accounts:login")
    assert (f'href="{login_url}?next=' in html) == (role == "anonymous")


def test_call_detail_of_a_closed_call_offers_no_application(client, users):
    call = CallFactory(closed=True)
    client.force_login(users["holder"])
    response = client.get(reverse("calls:call_detail", args=[call.pk]))
    assert response.status_code == 200
    assert reverse("calls:application_create", args=[call.pk]) not in response.content.decode()


def test_call_detail_of_an_unknown_call_is_404(client):
    assert client.get(reverse("calls:call_detail", args=[999_999])).status_code == 404


def test_call_detail_states_the_development_rules_with_the_call_figures(client):
    call = CallFactory(development=True, min_years_open=4)
    response = client.get(reverse("calls:call_detail", args=[call.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "at least 4 years" in response.content.decode()


# --- funded projects -------------------------------------------------------------------------


@pytest.fixture
def funded():
    """An accepted project in Périgueux (Dordogne, 30,000 €) and one in Bordeaux last year,
    plus applications the public must not see."""
    year = timezone.localdate().year
    perigueux = ApplicationFactory(
        accepted=True, title="Tiers-lieu de Périgueux", call=CallFactory(year=year)
    )
    bordeaux = ApplicationFactory(
        accepted=True,
        title="Fablab de Bordeaux",
        commune=commune("33063"),
        call=CallFactory(year=year - 1),
    )
    ApplicationFactory(submitted=True, title="Dossier en instruction")
    ApplicationFactory(title="Brouillon secret")
    return perigueux, bordeaux


@pytest.mark.parametrize("role", ROLES)
def test_funded_list_shows_accepted_projects_only(client, users, funded, role):
    response = _client(client, users[role]).get(reverse("calls:funded_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tiers-lieu de Périgueux" in html and "Fablab de Bordeaux" in html
    assert "Périgueux (24322)" in html
    assert f"30{NNBSP}000,00{NBSP}€" in html
    assert "Dossier en instruction" not in html and "Brouillon secret" not in html
    assert reverse("opendata:scdl_csv") in html


def test_funded_list_filters_by_year_and_departement(client, funded):
    year = timezone.localdate().year
    html = client.get(reverse("calls:funded_list"), {"year": year}).content.decode()
    assert "Tiers-lieu de Périgueux" in html and "Fablab de Bordeaux" not in html

    html = client.get(reverse("calls:funded_list"), {"departement": "33"}).content.decode()
    assert "Fablab de Bordeaux" in html and "Tiers-lieu de Périgueux" not in html

    html = client.get(
        reverse("calls:funded_list"), {"departement": "33", "year": year}
    ).content.decode()
    assert "Fablab de Bordeaux" not in html and "Tiers-lieu de Périgueux" not in html


def test_funded_list_ignores_invalid_filters(client, funded):
    response = client.get(reverse("calls:funded_list"), {"year": "abc", "departement": "99"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("role", ROLES)
def test_scdl_csv_lists_grants_of_23000_euros_and_more(client, users, funded, role):
    small = ApplicationFactory(accepted=True, title="Petit projet")
    small.decision.granted_cents = 2_299_999
    small.decision.save()

    response = _client(client, users[role]).get(reverse("opendata:scdl_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="subventions-scdl.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert tuple(rows[0].keys()) == scdl.COLUMNS
    perigueux = funded[0]
    by_object = {row["objet"]: row for row in rows}
    assert len(rows) == 2
    row = by_object[f"{perigueux.call.name} : Tiers-lieu de Périgueux"]
    assert row["montant"] == "30000.00"
    assert row["idBeneficiaire"] == perigueux.organisation.siret
    assert row["nomAttribuant"] == "Région Nouvelle-Aquitaine"
    assert row["idAttribuant"] == "20005375900011"
    assert row["referenceDecision"] == perigueux.decision.reference
    assert not any("Petit projet" in key for key in by_object)


def test_a_call_made_in_the_admin_gets_the_default_criteria_and_aid_rules(client):
    import datetime

    from tests.accounts.factories import UserFactory
    from tierslieux.calls.models import Call

    client.force_login(UserFactory(superuser=True))
    prefix = {
        f"{name}-{key}": value
        for name in ("criteria", "aid_rules", "ceilings")
        for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
    }
    today = datetime.date.today()
    response = client.post(
        "/admin/calls/call/add/",
        {
            "name": "AMI créé dans l'administration",
            "kind": "creation",
            "year": today.year,
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=60)).isoformat(),
            "budget_cents": 100_000_00,
            "carence_minutes": 20,
            "min_years_open": 3,
            "min_staff_fte": "0.5",
            **prefix,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(name="AMI créé dans l'administration")
    assert call.criteria.count() == 5
    assert call.aid_rules.count() == 3


def test_demo_call_is_created_once_and_says_it_is_a_demo(capsys):
    from django.core.management import call_command

    from tests.accounts.factories import UserFactory
    from tierslieux.calls.models import Call

    UserFactory(superuser=True)
    call_command("ensure_demo_call")
    call_command("ensure_demo_call")
    call = Call.objects.get()
    assert "DÉMO" in call.name
    assert call.criteria.count() == 5
    assert Call.objects.open().filter(pk=call.pk).exists()
