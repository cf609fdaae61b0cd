"""Pages of the agreements, per role: the list and its pipeline of accepted applications, a new
agreement, the agreement's page and its actions (signature, meetings, payments gated by the
meetings), premises agreements, the accompaniment journal, the pipeline and the reminders.

Pages are read in English (the msgids); the French interface is checked by the browser journey.
"""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.agreements.factories import (
    AgreementFactory,
    AuthorityFactory,
    IndicatorFactory,
    JournalEntryFactory,
    PremisesAgreementFactory,
)
from tests.calls.factories import ApplicationFactory, CallFactory, commune, holder_user
from tests.places.factories import PlaceFactory
from tierslieux.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementLog,
    JournalEntry,
    Milestone,
    MilestoneDecision,
    MilestoneKind,
    PremisesAgreement,
    ProjectStage,
    TrancheState,
)
from tierslieux.agreements.workflow import AgreementState

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
NNBSP, NBSP = "\u202f", "\u00a0"


def eur(text: str) -> str:
    """ "9 000,00" -> the English page's spelling of the amount: "€9,000.00"."""
    euros, cents = text.split(",")
    return f"€{euros.replace(' ', ',')}.{cents}"


def _client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def agreement():
    return AgreementFactory()


@pytest.fixture
def signed():
    return AgreementFactory(signed=True)


@pytest.fixture
def holder(agreement):
    return holder_user(agreement.application.organisation)


def _milestone(agreement, kind) -> Milestone:
    return agreement.milestones.get(kind=kind)


def _tranche(agreement, order):
    return agreement.tranches.get(order=order)


# --- access per role ---------------------------------------------------------------------------


@pytest.fixture
def pages(agreement):
    premises = PremisesAgreementFactory()
    awaiting = ApplicationFactory(accepted=True)
    return {
        "list": reverse("agreements:agreement_list"),
        "create": reverse("agreements:agreement_create", args=[awaiting.pk]),
        "detail": reverse("agreements:agreement_detail", args=[agreement.pk]),
        "record": reverse(
            "agreements:milestone_record", args=[_milestone(agreement, MilestoneKind.KICKOFF).pk]
        ),
        "premises_list": reverse("agreements:premises_list"),
        "premises_create": reverse("agreements:premises_create"),
        "premises_detail": reverse("agreements:premises_detail", args=[premises.pk]),
        "journal_list": reverse("agreements:journal_list"),
        "journal_create": reverse("agreements:journal_create"),
        "pipeline": reverse("agreements:pipeline_detail"),
        "reminders": reverse("agreements:reminder_list"),
    }


def post_urls(agreement) -> dict[str, str]:
    return {
        "transition": reverse("agreements:agreement_transition", args=[agreement.pk]),
        "reschedule": reverse(
            "agreements:milestone_reschedule",
            args=[_milestone(agreement, MilestoneKind.MIDTERM).pk],
        ),
        "pay": reverse("agreements:tranche_pay", args=[_tranche(agreement, 1).pk]),
        "record": reverse(
            "agreements:milestone_record", args=[_milestone(agreement, MilestoneKind.KICKOFF).pk]
        ),
    }


def test_anonymous_users_are_sent_to_the_login_page(pages, agreement):
    client = _client()
    for name, url in {**pages, **post_urls(agreement)}.items():
        response = client.get(url) if name in pages else client.post(url, {"to": "signed"})
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_instructors_open_every_page(pages, instructor):
    client = _client(instructor)
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name


def test_holders_read_their_own_agreement_only(pages, holder, agreement):
    client = _client(holder)
    statuses = {name: client.get(url).status_code for name, url in pages.items()}
    # The holder may read the list and its own agreement; every staff page is refused (403).
    assert statuses == {name: 200 if name in ("list", "detail") else 403 for name in pages}
    page = text(client.get(pages["detail"]))
    assert agreement.application.title in page
    assert 'name="to"' not in page  # read-only: no action
    assert "tranche_pay" not in page and "/payer/" not in page
    other = AgreementFactory()
    assert client.get(reverse("agreements:agreement_detail", args=[other.pk])).status_code == 404
    listing = text(client.get(pages["list"]))
    assert agreement.application.title in listing
    assert other.application.title not in listing


def test_holders_cannot_act_on_their_agreement(holder, agreement):
    client = _client(holder)
    urls = post_urls(agreement)
    assert (
        client.post(urls["transition"], {"to": "signed", "signed_on": TODAY()}).status_code == 403
    )
    assert (
        client.post(urls["pay"], {"tr-1-paid_on": TODAY(), "tr-1-amount": "1"}).status_code == 403
    )
    assert client.post(urls["reschedule"], {}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    assert not agreement.logs.exists()


@pytest.mark.parametrize("trait", ["network", "authority", "reader"])
def test_other_roles_get_no_agreement(trait, agreement, pages):
    user = UserFactory(**{trait: True}, organisation=agreement.application.organisation)
    client = _client(user)
    statuses = {
        name: client.get(pages[name]).status_code
        for name in ("list", "create", "detail", "record", "reminders")
    }
    statuses["transition"] = client.post(
        post_urls(agreement)["transition"], {"to": "signed"}
    ).status_code
    # Their role opens no agreement page: refused (403), never "not found".
    assert statuses == dict.fromkeys(
        ("list", "create", "detail", "record", "reminders", "transition"), 403
    )


def test_the_network_reads_and_writes_the_journal(pages):
    client = _client(UserFactory(network=True))
    for name in ("journal_list", "journal_create", "pipeline"):
        assert client.get(pages[name]).status_code == 200, name
    for name in ("premises_list", "premises_create", "premises_detail"):
        assert client.get(pages[name]).status_code == 403, name


def test_local_authorities_see_their_premises_agreements_only():
    mine, other = PremisesAgreementFactory(), PremisesAgreementFactory()
    user = UserFactory(authority=True, organisation=mine.authority)
    client = _client(user)
    assert client.get(reverse("agreements:premises_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("agreements:premises_detail", args=[other.pk])).status_code == 404
    listing = text(client.get(reverse("agreements:premises_list")))
    assert mine.place.name in listing and other.place.name not in listing
    assert client.get(reverse("agreements:premises_create")).status_code == 403
    assert client.get(reverse("agreements:journal_list")).status_code == 403


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_amounts_next_meeting_and_overdue(instructor):
    late = AgreementFactory(
        signed=True,
        starts_on=TODAY() - datetime.timedelta(days=30),
        ends_on=TODAY() + datetime.timedelta(days=300),
    )  # kick-off planned 30 days ago, not held
    advance = _tranche(late, 1)
    advance.state, advance.paid_on, advance.paid_amount_cents = TrancheState.PAID, TODAY(), 900_000
    advance.save()
    draft = AgreementFactory()
    page = text(_client(instructor).get(reverse("agreements:agreement_list")))
    assert late.application.title in page and draft.application.title in page
    assert eur("30 000,00") in page
    assert eur("9 000,00") in page  # paid so far
    assert page.count(">overdue<") == 1  # the draft is not followed yet


def test_the_list_filters_by_state_call_and_departement(instructor):
    call = CallFactory()
    signed = AgreementFactory(signed=True, application__call=call)
    draft = AgreementFactory(application__commune=commune("33063"))  # Bordeaux, Gironde
    client = _client(instructor)
    url = reverse("agreements:agreement_list")
    page = text(client.get(url, {"state": "signed"}))
    assert signed.application.title in page and draft.application.title not in page
    page = text(client.get(url, {"call": call.pk}))
    assert signed.application.title in page and draft.application.title not in page
    page = text(client.get(url, {"departement": "33"}))
    assert draft.application.title in page and signed.application.title not in page


def test_the_list_is_paginated_and_keeps_its_filters(instructor, monkeypatch):
    from tierslieux.agreements import views

    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    agreements = [AgreementFactory(signed=True) for _ in range(3)]
    client = _client(instructor)
    url = reverse("agreements:agreement_list")
    first = text(client.get(url, {"state": "signed"}))
    second = text(client.get(url, {"state": "signed", "page": 2}))
    assert "state=signed&amp;page=2" in first
    shown = [a for a in agreements if a.application.title in first]
    assert len(shown) == 2
    assert [a for a in agreements if a.application.title in second] == [
        a for a in agreements if a not in shown
    ]


def test_the_list_offers_to_write_the_agreement_of_accepted_applications(instructor, agreement):
    waiting = ApplicationFactory(accepted=True, title="Le Relais des Landes")
    ApplicationFactory(proposed=True, title="Pas encore décidé")
    page = text(_client(instructor).get(reverse("agreements:agreement_list")))
    assert "Le Relais des Landes" in page
    assert reverse("agreements:agreement_create", args=[waiting.pk]) in page
    assert "Pas encore décidé" not in page
    assert reverse("agreements:agreement_create", args=[agreement.application.pk]) not in page


# --- a new agreement -------------------------------------------------------------------------


def _create_data(**overrides) -> dict:
    data = {
        "reference": "CONV-2026-1",
        "parties": "La Région et l'association",
        "object": "Création du tiers-lieu",
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + datetime.timedelta(days=730)).isoformat(),
        "indicators-TOTAL_FORMS": "3",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-kind": "quantitative",
        "indicators-0-label": "Abonnés",
        "indicators-0-unit": "personnes",
        "indicators-0-baseline": "0",
        "indicators-0-target": "40,5",
        "indicators-1-kind": "qualitative",
        "indicators-1-label": "Gouvernance",
        "indicators-1-baseline": "Informelle",
        "indicators-1-target": "SCIC",
        "indicators-2-kind": "quantitative",
        "tranches-TOTAL_FORMS": "4",
        "tranches-INITIAL_FORMS": "3",
        "tranches-0-label": "Avance",
        "tranches-0-amount": "9000",
        "tranches-0-depends_on": "",
        "tranches-1-label": "Intermédiaire",
        "tranches-1-amount": "12000",
        "tranches-1-depends_on": "midterm",
        "tranches-2-label": "Solde",
        "tranches-2-amount": "9000,00",
        "tranches-2-depends_on": "final",
    }
    data.update(overrides)
    return data


def test_the_new_agreement_form_is_prefilled(instructor):
    application = ApplicationFactory(accepted=True, title="La Fabrique")
    page = text(
        _client(instructor).get(reverse("agreements:agreement_create", args=[application.pk]))
    )
    assert "La Fabrique" in page
    assert application.organisation.name in page  # the parties
    for amount in ("9000", "12000"):
        assert f'value="{amount}' in page  # the default schedule, 30 / 40 / 30 %
    assert 'value="midterm" selected' in page


def test_creating_an_agreement(instructor):
    application = ApplicationFactory(accepted=True)
    response = _client(instructor).post(
        reverse("agreements:agreement_create", args=[application.pk]), _create_data()
    )
    agreement = Agreement.objects.get(application=application)
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:agreement_detail", args=[agreement.pk])
    assert agreement.reference == "CONV-2026-1"
    assert [t.amount_cents for t in agreement.tranches.order_by("order")] == [
        900_000,
        1_200_000,
        900_000,
    ]
    assert agreement.milestones.count() == 3
    indicators = list(agreement.indicators.order_by("order"))
    assert [i.label for i in indicators] == ["Abonnés", "Gouvernance"]
    assert str(indicators[0].target_value) == "40.50"
    assert indicators[1].target_text == "SCIC"


def test_a_schedule_not_adding_up_to_the_grant_keeps_the_input(instructor):
    application = ApplicationFactory(accepted=True)
    response = _client(instructor).post(
        reverse("agreements:agreement_create", args=[application.pk]),
        _create_data(**{"tranches-2-amount": "8000"}),
    )
    assert response.status_code == 200
    page = text(response)
    assert "must add up exactly to the grant" in page
    assert eur("30 000,00") in page and eur("29 000,00") in page
    assert 'value="8000"' in page and "Création du tiers-lieu" in page and "Abonnés" in page
    assert not Agreement.objects.filter(application=application).exists()


def test_a_quantitative_indicator_needs_numbers(instructor):
    application = ApplicationFactory(accepted=True)
    response = _client(instructor).post(
        reverse("agreements:agreement_create", args=[application.pk]),
        _create_data(**{"indicators-0-target": "beaucoup"}),
    )
    assert response.status_code == 200
    assert "needs a number" in text(response)
    assert 'value="beaucoup"' in text(response)
    assert not Agreement.objects.exists()


def test_no_second_agreement_and_no_agreement_for_an_application_not_accepted(
    instructor, agreement
):
    client = _client(instructor)
    for application in (agreement.application, ApplicationFactory(proposed=True)):
        url = reverse("agreements:agreement_create", args=[application.pk])
        assert client.get(url).status_code == 404


# --- the agreement's page and its actions ----------------------------------------------------


def test_the_agreement_page(instructor, agreement):
    IndicatorFactory(agreement=agreement, label="Abonnés", target_value=40)
    page = text(
        _client(instructor).get(reverse("agreements:agreement_detail", args=[agreement.pk]))
    )
    for expected in (
        agreement.parties,
        eur("30 000,00"),
        "Kick-off meeting",
        "Mid-funding steering committee",
        "Final review",
        "Abonnés",
        'value="signed"',
        'value="terminated"',
    ):
        assert expected in page, expected
    assert 'value="closed"' not in page


def test_signing(instructor, agreement):
    url = reverse("agreements:agreement_transition", args=[agreement.pk])
    response = _client(instructor).post(url, {"to": "signed", "signed_on": TODAY().isoformat()})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED and agreement.signed_on == TODAY()
    assert _tranche(agreement, 1).state == TrancheState.PAYABLE


def test_signing_needs_a_date_and_terminating_a_reason(instructor, agreement):
    client = _client(instructor)
    url = reverse("agreements:agreement_transition", args=[agreement.pk])
    response = client.post(url, {"to": "signed", "signed_on": ""})
    assert response.status_code == 200 and "This field is required" in text(response)
    response = client.post(url, {"to": "terminated", "terminate-reason": ""})
    assert "Please give a reason" in text(response)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    response = client.post(url, {"to": "terminated", "terminate-reason": "Projet abandonné"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.TERMINATED
    assert agreement.logs.filter(note="Projet abandonné").exists()


def test_closing_before_the_final_review_is_refused(instructor, signed):
    response = _client(instructor).post(
        reverse("agreements:agreement_transition", args=[signed.pk]), {"to": "closed"}
    )
    assert response.status_code == 200
    assert "only after the final review is approved" in text(response)
    signed.refresh_from_db()
    assert signed.state == AgreementState.SIGNED


def test_an_early_payment_shows_the_reason_and_writes_nothing(instructor, signed):
    intermediate = _tranche(signed, 2)
    logs = AgreementLog.objects.count()
    response = _client(instructor).post(
        reverse("agreements:tranche_pay", args=[intermediate.pk]),
        {
            f"tr-{intermediate.pk}-paid_on": TODAY().isoformat(),
            f"tr-{intermediate.pk}-amount": "12000",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert (
        "This tranche is not payable yet: it depends on the mid-funding steering committee, "
        "which is not approved (pending)." in page
    )
    assert 'role="alert"' in page
    assert 'value="12000' in page  # what was typed is kept
    intermediate.refresh_from_db()
    assert intermediate.state == TrancheState.SCHEDULED and intermediate.paid_on is None
    assert AgreementLog.objects.count() == logs


def test_paying_the_advance(instructor, signed):
    advance = _tranche(signed, 1)
    client = _client(instructor)
    response = client.post(
        reverse("agreements:tranche_pay", args=[advance.pk]),
        {f"tr-{advance.pk}-paid_on": TODAY().isoformat(), f"tr-{advance.pk}-amount": "9000,00"},
    )
    assert response.status_code == 302
    advance.refresh_from_db()
    assert advance.state == TrancheState.PAID and advance.paid_amount_cents == 900_000
    page = text(client.get(response["Location"]))
    assert eur("21 000,00") in page  # remaining
    assert "Tranche paid" in page  # the history


def test_paying_more_than_the_tranche_is_refused(instructor, signed):
    advance = _tranche(signed, 1)
    response = _client(instructor).post(
        reverse("agreements:tranche_pay", args=[advance.pk]),
        {f"tr-{advance.pk}-paid_on": TODAY().isoformat(), f"tr-{advance.pk}-amount": "9000,01"},
    )
    assert "exceeds the tranche" in text(response)
    advance.refresh_from_db()
    assert advance.state == TrancheState.PAYABLE


def test_rescheduling_a_meeting(instructor, signed):
    midterm = _milestone(signed, MilestoneKind.MIDTERM)
    new_date = midterm.planned_on + datetime.timedelta(days=14)
    response = _client(instructor).post(
        reverse("agreements:milestone_reschedule", args=[midterm.pk]),
        {f"ms-{midterm.pk}-planned_on": new_date.isoformat(), f"ms-{midterm.pk}-reason": "Élus"},
    )
    assert response.status_code == 302
    midterm.refresh_from_db()
    assert midterm.planned_on == new_date
    assert signed.logs.filter(event=AgreementEvent.MEETING_RESCHEDULED).exists()


def _record_data(decision="approved", **overrides) -> dict:
    data = {
        "held_on": TODAY().isoformat(),
        "participants": "Le collectif, la commune, la Région",
        "minutes": "Plan de financement revu.",
        "decision": decision,
    }
    data.update(overrides)
    return data


def test_recording_the_meetings_in_order(instructor, signed):
    client = _client(instructor)
    kickoff = _milestone(signed, MilestoneKind.KICKOFF)
    midterm = _milestone(signed, MilestoneKind.MIDTERM)
    response = client.post(
        reverse("agreements:milestone_record", args=[midterm.pk]), _record_data()
    )
    assert response.status_code == 200
    assert "previous meetings must be approved first" in text(response)
    assert "Le collectif, la commune" in text(response)  # kept
    response = client.post(
        reverse("agreements:milestone_record", args=[kickoff.pk]), _record_data()
    )
    assert response.status_code == 302
    kickoff.refresh_from_db()
    assert kickoff.decision == MilestoneDecision.APPROVED and kickoff.held_on == TODAY()
    response = client.post(
        reverse("agreements:milestone_record", args=[midterm.pk]), _record_data()
    )
    assert response.status_code == 302
    assert _tranche(signed, 2).state == TrancheState.PAYABLE


def test_the_final_review_needs_every_indicator_value(instructor, signed):
    quantitative = IndicatorFactory(agreement=signed, label="Abonnés")
    qualitative = IndicatorFactory(agreement=signed, qualitative=True, label="Gouvernance")
    Milestone.objects.filter(agreement=signed).exclude(kind=MilestoneKind.FINAL).update(
        held_on=TODAY(), decision=MilestoneDecision.APPROVED
    )
    final = _milestone(signed, MilestoneKind.FINAL)
    client = _client(instructor)
    url = reverse("agreements:milestone_record", args=[final.pk])
    page = text(client.get(url))
    assert f"ind-{quantitative.pk}-value" in page and f"ind-{qualitative.pk}-text" in page
    response = client.post(url, _record_data(**{f"ind-{quantitative.pk}-value": "38"}))
    assert response.status_code == 200
    assert "needs a value for every indicator" in text(response)
    assert 'value="38"' in text(response)
    final.refresh_from_db()
    assert final.decision == MilestoneDecision.PENDING
    response = client.post(
        url,
        _record_data(
            **{f"ind-{quantitative.pk}-value": "38,5", f"ind-{qualitative.pk}-text": "SCIC créée"}
        ),
    )
    assert response.status_code == 302
    final.refresh_from_db()
    assert final.decision == MilestoneDecision.APPROVED
    page = text(client.get(reverse("agreements:agreement_detail", args=[signed.pk])))
    assert "38.5 abonnés" in page and "SCIC créée" in page
    assert 'value="closed"' in page


def test_a_number_is_checked_on_the_record_page(instructor, signed):
    indicator = IndicatorFactory(agreement=signed)
    kickoff = _milestone(signed, MilestoneKind.KICKOFF)
    response = _client(instructor).post(
        reverse("agreements:milestone_record", args=[kickoff.pk]),
        _record_data(**{f"ind-{indicator.pk}-value": "douze"}),
    )
    assert response.status_code == 200 and "Please type a number" in text(response)
    kickoff.refresh_from_db()
    assert kickoff.held_on is None


# --- premises agreements ---------------------------------------------------------------------


def _premises_data(authority, place, **overrides) -> dict:
    data = {
        "authority": authority.pk,
        "place": place.pk,
        "address": "2 rue de l'École",
        "surface_m2": "120",
        "yearly_rent": "2400",
        "reference_rent_per_m2": "80",
        "starts_on": "2026-01-01",
        "duration_months": "36",
        "renewal_on": "2029-01-01",
        "renewal_notice_days": "90",
        "works_supported": "",
        "works_description": "",
    }
    data.update(overrides)
    return data


def test_creating_a_premises_agreement(instructor):
    authority, place = AuthorityFactory(name="Commune de Ribérac"), PlaceFactory()
    client = _client(instructor)
    response = client.post(reverse("agreements:premises_create"), _premises_data(authority, place))
    premises = PremisesAgreement.objects.get()
    assert response.status_code == 302
    assert premises.yearly_rent_cents == 240_000 and premises.reference_rent_per_m2_cents == 8_000
    page = text(client.get(response["Location"]))
    assert "Commune de Ribérac" in page
    assert eur("20,00") in page  # per m²
    assert "25" in page and "moderate" in page and "not moderate" not in page
    assert "Dec. 31, 2028" in page  # ends on


def test_works_refused_unless_eligible_keep_the_input(instructor):
    authority, place = AuthorityFactory(), PlaceFactory()
    response = _client(instructor).post(
        reverse("agreements:premises_create"),
        _premises_data(authority, place, works_supported="5000", works_description="Toiture"),
    )
    assert response.status_code == 200
    assert "supported only for a project eligible to the call" in text(response)
    assert "Toiture" in text(response)
    assert not PremisesAgreement.objects.exists()
    response = _client(instructor).post(
        reverse("agreements:premises_create"),
        _premises_data(authority, place, works_supported="5000", works_eligible="on"),
    )
    assert response.status_code == 302
    assert PremisesAgreement.objects.get().works_supported_cents == 500_000


def test_a_rent_above_the_market_is_not_moderate(instructor):
    premises = PremisesAgreementFactory(yearly_rent_cents=900_000)  # 90 €/m² vs 60 €/m²
    page = text(_client(instructor).get(reverse("agreements:premises_detail", args=[premises.pk])))
    assert "not moderate" in page


# --- journal, pipeline and reminders ----------------------------------------------------------


def test_writing_a_journal_entry(instructor):
    client = _client(instructor)
    url = reverse("agreements:journal_create")
    data = {
        "project_label": "Tiers-lieu de Nontron",
        "commune": "24311",
        "stage": "idea",
        "kind": "referral",
        "referral_to": "",
        "happened_on": TODAY().isoformat(),
        "notes": "Orienté vers le DLA.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Please say to whom the project is referred" in text(response)
    assert "Tiers-lieu de Nontron" in text(response)
    assert not JournalEntry.objects.exists()
    response = client.post(url, {**data, "referral_to": "france_active_dla"})
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.commune.code == "24311" and entry.author == instructor


def test_a_journal_entry_takes_the_commune_by_its_name(instructor):
    data = {
        "project_label": "Tiers-lieu du Bocage",
        "commune": "bressuire",
        "stage": "idea",
        "kind": "contact",
        "happened_on": TODAY().isoformat(),
    }
    response = _client(instructor).post(reverse("agreements:journal_create"), data)
    assert response.status_code == 302
    assert JournalEntry.objects.get().commune.code == "79049"


def test_a_journal_entry_must_name_its_project(instructor):
    response = _client(instructor).post(
        reverse("agreements:journal_create"),
        {"stage": "idea", "kind": "contact", "happened_on": TODAY().isoformat()},
    )
    assert response.status_code == 200
    assert "Please name the project" in text(response)


def test_the_journal_filters_by_stage_and_departement(instructor):
    JournalEntryFactory(project_label="Idée A", commune=commune("24322"))
    JournalEntryFactory(
        project_label="Projet B", stage=ProjectStage.STRUCTURING, commune=commune("33063")
    )
    client = _client(instructor)
    url = reverse("agreements:journal_list")
    page = text(client.get(url, {"stage": "structuring"}))
    assert "Projet B" in page and "Idée A" not in page
    page = text(client.get(url, {"departement": "24"}))
    assert "Idée A" in page and "Projet B" not in page


def test_the_pipeline_counts_projects_by_stage_and_departement(instructor):
    JournalEntryFactory(project_label="A", commune=commune("24322"))
    JournalEntryFactory(project_label="B", commune=commune("24322"), stage=ProjectStage.EMERGENCE)
    JournalEntryFactory(project_label="C", commune=commune("33063"), stage=ProjectStage.FUNDED)
    client = _client(instructor)
    response = client.get(reverse("agreements:pipeline_detail"))
    pipeline = response.context["pipeline"]
    assert pipeline.total == 3 and pipeline.emerging == 2
    assert "Dordogne" in text(response) and "Gironde" in text(response)
    response = client.get(reverse("agreements:pipeline_detail"), {"departement": "33"})
    assert response.context["pipeline"].total == 1


def test_the_reminders_page(instructor):
    late = AgreementFactory(
        signed=True,
        starts_on=TODAY() - datetime.timedelta(days=40),
        ends_on=TODAY() + datetime.timedelta(days=20),
    )
    PremisesAgreementFactory(renewal_on=TODAY() + datetime.timedelta(days=10))
    page = text(_client(instructor).get(reverse("agreements:reminder_list")))
    assert late.application.title in page
    assert "agreements_reminders" in page
    overdue = page.split('id="overdue"')[1].split("</section>")[0]
    assert "Kick-off meeting" in overdue
    upcoming = page.split('id="upcoming"')[1].split("</section>")[0]
    assert "Final review" in upcoming
    assert "No premises agreement to renew" not in page


def test_the_agreement_page_links_its_documents(instructor, agreement):
    from django.urls import NoReverseMatch

    try:
        docx = reverse("agreements:agreement_docx", args=[agreement.pk])
    except NoReverseMatch:
        pytest.skip("the documents' views are not wired")
    page = text(
        _client(instructor).get(reverse("agreements:agreement_detail", args=[agreement.pk]))
    )
    assert docx in page
    assert reverse("agreements:agreement_pdf", args=[agreement.pk]) in page
    for milestone in agreement.milestones.all():
        assert reverse("agreements:milestone_minutes_docx", args=[milestone.pk]) in page


def test_the_journal_form_offers_only_the_applications_the_writer_may_see():
    hidden = ApplicationFactory(submitted=True, title="Dossier confidentiel")
    network = UserFactory(network=True, organisation=AuthorityFactory())
    page = text(_client(network).get(reverse("agreements:journal_create")))
    assert "Dossier confidentiel" not in page
    page = text(_client(UserFactory(instructor=True)).get(reverse("agreements:journal_create")))
    assert "Dossier confidentiel" in page
    assert hidden.pk


# --- which tranche can be paid (issue 12) ------------------------------------------------------


def _pay_buttons(page: str) -> list[str]:
    """The ids of the tranches whose row holds a pay form."""
    import re

    rows = re.findall(r'<tr id="tranche-(\d)">(.*?)</tr>', page, re.S)
    return [order for order, row in rows if 'class="pay-form"' in row]


def test_only_the_tranche_payable_now_has_a_pay_form(instructor, signed):
    page = text(_client(instructor).get(reverse("agreements:agreement_detail", args=[signed.pk])))
    assert _pay_buttons(page) == ["1"]
    # The others say why, with the same reason the payment would be refused for.
    assert 'id="tranche-2-blocker"' in page
    assert "it depends on the mid-funding steering committee, which is not approved" in page
    assert 'id="tranche-3-blocker"' in page
    assert 'id="tranche-1-blocker"' not in page


def test_after_the_advance_the_next_tranche_waits_for_its_meeting(instructor, signed):
    advance = _tranche(signed, 1)
    client = _client(instructor)
    client.post(
        reverse("agreements:tranche_pay", args=[advance.pk]),
        {f"tr-{advance.pk}-paid_on": TODAY().isoformat(), f"tr-{advance.pk}-amount": "9000"},
    )
    page = text(client.get(reverse("agreements:agreement_detail", args=[signed.pk])))
    assert _pay_buttons(page) == []
    assert 'id="tranche-2-blocker"' in page


def test_a_draft_agreement_shows_no_pay_form(instructor, agreement):
    page = text(
        _client(instructor).get(reverse("agreements:agreement_detail", args=[agreement.pk]))
    )
    assert _pay_buttons(page) == []
    assert "Tranches are paid on a signed agreement" in page


def test_a_refused_payment_is_announced_at_the_top_of_the_page(instructor, signed):
    intermediate = _tranche(signed, 2)
    response = _client(instructor).post(
        reverse("agreements:tranche_pay", args=[intermediate.pk]),
        {
            f"tr-{intermediate.pk}-paid_on": TODAY().isoformat(),
            f"tr-{intermediate.pk}-amount": "12000",
        },
    )
    page = text(response)
    alert = page.index('id="payment-refused"')
    assert alert < page.index('id="parties-title"')  # before the first section
    top = page[page.rindex("<div", 0, alert) : page.index("</div>", alert)]
    assert 'role="alert"' in top and 'tabindex="-1"' in top and "data-focus-on-load" in top
    assert "not approved (pending)" in top
    assert 'href="#tranche-2"' in top
    assert "js/focus-alert" in page
