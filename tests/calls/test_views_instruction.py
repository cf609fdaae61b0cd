"""Pages of the instruction, per role: the list and its exports, the instruction page and its
actions (assessments without lost updates, amounts, every transition, opinions, the decision
within the budget), partners' opinions, project reviews and budgets.

Pages are read in English (the msgids) so that assertions do not depend on the catalogue; the
French interface is checked by the browser journey.
"""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.calls.factories import (
    ApplicationFactory,
    CallFactory,
    DecisionFactory,
    OpinionFactory,
    commune,
    holder_user,
)
from tierslieux.calls import services
from tierslieux.calls.models import (
    ApplicationLog,
    Assessment,
    CallDepartementCeiling,
    Decision,
    Opinion,
    ProjectReview,
)
from tierslieux.calls.workflow import INSTRUCTOR_ACTION, TRANSITIONS, ApplicationState

pytestmark = pytest.mark.django_db
S = ApplicationState
TODAY = datetime.date.today


def _client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def instructor():
    return UserFactory(instructor=True, first_name="Inès", last_name="Instructrice")


@pytest.fixture
def departement_org():
    return OrganisationFactory(kind="departement", name="Département de la Dordogne")


@pytest.fixture
def partner(departement_org):
    return UserFactory(authority=True, organisation=departement_org)


@pytest.fixture
def application():
    return ApplicationFactory(under_instruction=True, title="La Fabrique de Périgueux")


def instruct_url(application) -> str:
    return reverse("calls:application_instruct", args=[application.pk])


def text(response) -> str:
    return response.content.decode()


# --- access per role ---------------------------------------------------------------------------


def _pages(application, opinion, review, call) -> dict[str, str]:
    return {
        "list": reverse("calls:application_list"),
        "export": reverse("calls:applications_export") + "?format=csv",
        "instruct": instruct_url(application),
        "opinions": reverse("calls:opinion_list_mine"),
        "opinion": reverse("calls:opinion_give", args=[opinion.pk]),
        "reviews": reverse("calls:review_list"),
        "review_create": reverse("calls:review_create"),
        "review": reverse("calls:review_detail", args=[review.pk]),
        "budget": reverse("calls:budget_detail", args=[call.pk]),
    }


@pytest.fixture
def pages(application, departement_org):
    opinion = OpinionFactory(application=application, organisation=departement_org)
    review = services.project_review_create(
        held_on=TODAY(), applications=[application], by=UserFactory(instructor=True)
    )
    return _pages(application, opinion, review, application.call)


def test_anonymous_users_are_sent_to_the_login_page(pages):
    client = _client()
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_holders_get_nothing_of_the_instruction(pages, application):
    holder = holder_user(application.organisation)  # even the holder of this application
    client = _client(holder)
    statuses = {name: client.get(url).status_code for name, url in pages.items()}
    # Instruction pages are refused (403); the opinion asked of another organisation is not
    # shown to exist (404).
    assert statuses == {name: 404 if name == "opinion" else 403 for name in pages}


def test_instructors_see_every_page(pages, instructor):
    client = _client(instructor)
    statuses = {name: client.get(url).status_code for name, url in pages.items()}
    # Opinions are given by partners: an instructor is not asked (the list is refused, 403)
    # and is not shown one (404).
    expected = dict.fromkeys(pages, 200) | {"opinions": 403, "opinion": 404}
    assert statuses == expected


def test_a_partner_sees_only_its_opinion(pages, partner, application):
    client = _client(partner)
    assert client.get(pages["opinion"]).status_code == 200
    assert client.get(pages["opinions"]).status_code == 200
    assert client.get(pages["instruct"]).status_code == 403
    assert client.get(pages["export"]).status_code == 403
    assert client.get(pages["budget"]).status_code == 403
    assert client.get(pages["reviews"]).status_code == 403
    other = OpinionFactory(organisation=OrganisationFactory(kind="epci"))
    assert client.get(reverse("calls:opinion_give", args=[other.pk])).status_code == 404
    listed = client.get(pages["list"])
    assert listed.status_code == 200
    assert application.title in text(listed)
    assert other.application.title not in text(listed)
    # Another member of the same kind of authority, but not of this organisation: 404.
    stranger = UserFactory(authority=True, organisation=OrganisationFactory(kind="departement"))
    assert _client(stranger).get(pages["opinion"]).status_code == 404


def test_the_network_records_views_in_reviews_but_cannot_create_them(pages):
    network = UserFactory(network=True, organisation=OrganisationFactory(kind="network"))
    client = _client(network)
    assert client.get(pages["reviews"]).status_code == 200
    assert client.get(pages["review"]).status_code == 200
    assert client.get(pages["review_create"]).status_code == 403
    assert client.get(pages["instruct"]).status_code == 403


def test_readers_see_budgets_only(pages):
    client = _client(UserFactory(reader=True))
    assert client.get(pages["budget"]).status_code == 200
    assert client.get(pages["instruct"]).status_code == 403
    assert client.get(pages["list"]).status_code == 403


# --- the list --------------------------------------------------------------------------------


def test_the_list_filters_by_call_state_departement_and_assignment(instructor):
    call = CallFactory()
    perigueux = ApplicationFactory(call=call, submitted=True, title="Projet Périgueux")
    bordeaux = ApplicationFactory(
        call=call, under_instruction=True, title="Projet Bordeaux", commune=commune("33063")
    )
    other_call = ApplicationFactory(submitted=True, title="Projet autre appel")
    draft = ApplicationFactory(call=call, title="Brouillon caché")
    bordeaux.instructors.add(instructor)
    OpinionFactory(application=perigueux, due_on=TODAY() - datetime.timedelta(days=2))
    client = _client(instructor)
    url = reverse("calls:application_list")

    page = text(client.get(url))
    for a in (perigueux, bordeaux, other_call):
        assert a.title in page
    assert draft.title not in page
    assert "Inès Instructrice" in page

    page = text(client.get(url, {"call": call.pk}))
    assert perigueux.title in page and other_call.title not in page
    page = text(client.get(url, {"state": S.UNDER_INSTRUCTION}))
    assert bordeaux.title in page and perigueux.title not in page
    page = text(client.get(url, {"departement": "24"}))
    assert perigueux.title in page and bordeaux.title not in page
    page = text(client.get(url, {"mine": "on"}))
    assert bordeaux.title in page and perigueux.title not in page
    # HTMX asks for the results only.
    fragment = client.get(url, {"departement": "33"}, headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert bordeaux.title in text(fragment)


# --- the instruction page --------------------------------------------------------------------


def test_the_instruction_page_shows_the_whole_application(instructor, application):
    page = text(_client(instructor).get(instruct_url(application)))
    for expected in (
        application.title,
        application.summary,
        "Ancienne école",
        "Travaux",
        "€100,000.00",  # expenses total
        "The financing plan is balanced.",
        "Oui.",  # answers to the criteria
        "Recompute the mesh figures",
        "Request changes",
        "Propose to the committee",
    ):
        assert expected in page, expected


def test_assign_me_and_unassign(instructor, application):
    client = _client(instructor)
    url = reverse("calls:application_assign", args=[application.pk])
    assert client.post(url, {"instructor": instructor.pk}).status_code == 302
    assert list(application.instructors.all()) == [instructor]
    colleague = UserFactory(instructor=True)
    client.post(url, {"instructor": colleague.pk})
    assert set(application.instructors.all()) == {instructor, colleague}
    holder = holder_user()
    response = client.post(url, {"instructor": holder.pk})
    assert response.status_code == 200  # not an instructor: the form says so
    assert holder not in application.instructors.all()
    client.post(
        reverse("calls:application_unassign", args=[application.pk]), {"instructor": colleague.pk}
    )
    assert list(application.instructors.all()) == [instructor]


def _assessment_data(criterion_id: int, score, comment: str, version: int) -> dict:
    prefix = f"crit-{criterion_id}"
    return {
        f"{prefix}-score": score,
        f"{prefix}-comment": comment,
        f"{prefix}-version": version,
    }


def test_assessment_conflict_between_two_instructors_loses_nothing(instructor, application):
    colleague = UserFactory(instructor=True, first_name="Paul", last_name="Collègue")
    first, second = _client(instructor), _client(colleague)
    criterion = application.call.criteria.first()
    url = reverse("calls:application_assess", args=[application.pk, criterion.pk])
    # Both open the page: both start from version 0.
    for client in (first, second):
        page = text(client.get(instruct_url(application)))
        assert f'name="crit-{criterion.pk}-version" value="0"' in page

    assert (
        first.post(url, _assessment_data(criterion.pk, 3, "Accueil solide", 0)).status_code == 302
    )
    response = second.post(url, _assessment_data(criterion.pk, 1, "Accueil fragile", 0))
    assert response.status_code == 200
    page = text(response)
    # Nothing lost: the first save stands, the second instructor sees it and keeps their text.
    stored = Assessment.objects.get(application=application, criterion=criterion)
    assert (stored.score, stored.comment, stored.version) == (3, "Accueil solide", 1)
    assert "saved this criterion while you were editing it" in page
    assert "Inès Instructrice" in page
    assert "Accueil solide" in page  # theirs
    assert "Accueil fragile" in page  # mine, still in the form
    assert f'name="crit-{criterion.pk}-version" value="1"' in page
    assert re.search(rf'name="crit-{criterion.pk}-score"[^>]*value="1"', page)

    # Having seen the other values, the second instructor saves on purpose.
    assert (
        second.post(url, _assessment_data(criterion.pk, 2, "Entre les deux", 1)).status_code == 302
    )
    stored.refresh_from_db()
    assert (stored.score, stored.comment, stored.version, stored.updated_by) == (
        2,
        "Entre les deux",
        2,
        colleague,
    )


def test_assessment_through_htmx_answers_a_fragment_and_checks_the_scale(instructor, application):
    client = _client(instructor)
    criterion = application.call.criteria.first()
    url = reverse("calls:application_assess", args=[application.pk, criterion.pk])
    response = client.post(
        url, _assessment_data(criterion.pk, 9, "Trop", 0), headers={"HX-Request": "true"}
    )
    page = text(response)
    assert "<html" not in page
    assert "less than or equal to 4" in page
    assert "Trop" in page
    assert not Assessment.objects.filter(application=application, score__isnull=False).exists()
    response = client.post(
        url, _assessment_data(criterion.pk, 4, "Parfait", 0), headers={"HX-Request": "true"}
    )
    page = text(response)
    assert "Assessment saved." in page
    assert 'id="weighted-score" hx-swap-oob="true"' in page
    assert Assessment.objects.get(application=application, criterion=criterion).score == 4


def test_the_amount_needs_a_reason_when_it_differs_from_the_suggestion(instructor, application):
    client = _client(instructor)
    url = reverse("calls:application_amount", args=[application.pk])
    response = client.post(url, {"profile": "standard", "proposed": "25000", "reason": ""})
    assert response.status_code == 200
    page = text(response)
    assert "Give a reason for proposing another amount" in page
    assert 'value="25000"' in page  # kept
    application.refresh_from_db()
    assert application.proposed_cents is None
    response = client.post(
        url, {"profile": "standard", "proposed": "25000", "reason": "Dépenses surestimées"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.suggested_cents == 3_000_000  # 30 % of 100,000 €, within what is asked
    assert application.proposed_cents == 2_500_000
    assert application.amount_override_reason == "Dépenses surestimées"
    client.post(url, {"profile": "standard", "proposed": "", "reason": ""})
    application.refresh_from_db()
    assert application.proposed_cents == 3_000_000


INSTRUCTOR_MOVES = [t for t in TRANSITIONS.values() if t.action == INSTRUCTOR_ACTION]


def _application_in(state: str):
    extra = {"proposed_cents": 3_000_000, "suggested_cents": 3_000_000}
    return ApplicationFactory(state=state, submitted_at=timezone.now(), **extra)


@pytest.mark.parametrize("move", INSTRUCTOR_MOVES, ids=lambda t: f"{t.source}->{t.target}")
def test_every_instructor_move_is_allowed_from_its_state(instructor, move):
    application = _application_in(move.source)
    url = reverse("calls:application_transition", args=[application.pk])
    page = text(_client(instructor).get(instruct_url(application)))
    assert f'name="to" value="{move.target}"' in page  # the button is there
    data = {"to": move.target, f"to-{move.target}-reason": "Pièces à préciser"}
    response = _client(instructor).post(url, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == move.target
    log = ApplicationLog.objects.get(application=application)
    assert (log.from_state, log.to_state, log.by) == (move.source, move.target, instructor)


@pytest.mark.parametrize("move", INSTRUCTOR_MOVES, ids=lambda t: f"{t.source}->{t.target}")
def test_every_instructor_move_is_refused_from_other_states(instructor, move):
    # Every state from which the table has no move to this target (drafts are not visible).
    states = [s for s in S.values if (s, move.target) not in TRANSITIONS and s != S.DRAFT]
    assert states
    for state in states:
        application = _application_in(state)
        response = _client(instructor).post(
            reverse("calls:application_transition", args=[application.pk]),
            {"to": move.target, f"to-{move.target}-reason": "Raison"},
        )
        assert response.status_code == 200, state
        assert "cannot go from" in text(response), state
        application.refresh_from_db()
        assert application.state == state
    assert not ApplicationLog.objects.exists()


@pytest.mark.parametrize("move", [t for t in INSTRUCTOR_MOVES if t.reason_required])
def test_a_move_that_needs_a_reason_says_so_and_keeps_the_page(instructor, move):
    application = _application_in(move.source)
    response = _client(instructor).post(
        reverse("calls:application_transition", args=[application.pk]),
        {"to": move.target, f"to-{move.target}-reason": "  "},
    )
    assert response.status_code == 200
    assert "Please give a reason." in text(response)
    application.refresh_from_db()
    assert application.state == move.source


def test_moves_of_the_holder_and_guards_are_refused_with_a_message(instructor):
    application = _application_in(S.UNDER_INSTRUCTION)
    client = _client(instructor)
    url = reverse("calls:application_transition", args=[application.pk])
    response = client.post(url, {"to": S.WITHDRAWN})
    assert "You may not make this change." in text(response)
    no_amount = ApplicationFactory(under_instruction=True)
    response = client.post(
        reverse("calls:application_transition", args=[no_amount.pk]), {"to": S.PROPOSED}
    )
    assert "Set the amount proposed to the committee first." in text(response)
    proposed = _application_in(S.PROPOSED)
    response = client.post(
        reverse("calls:application_transition", args=[proposed.pk]), {"to": S.ACCEPTED}
    )
    assert "Record the committee" in text(response)
    for a in (application, no_amount, proposed):
        state = a.state
        a.refresh_from_db()
        assert a.state == state
    assert client.post(url, {"to": "nowhere"}).status_code == 400


def test_mesh_figures_are_recomputed_in_place(instructor, application):
    response = _client(instructor).post(
        reverse("calls:application_mesh_compute", args=[application.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="mesh-figures"' in text(response)
    application.refresh_from_db()
    assert application.mesh_computed_at is not None
    assert application.inhabitants_brought is not None


# --- opinions --------------------------------------------------------------------------------


def test_an_instructor_requests_an_opinion_and_the_partner_gives_it(
    instructor, application, partner, departement_org
):
    client = _client(instructor)
    url = reverse("calls:opinion_request", args=[application.pk])
    due = TODAY() + datetime.timedelta(days=10)
    data = {
        "organisation": departement_org.pk,
        "partner_kind": "departement",
        "due_on": due.isoformat(),
        "question": "Le projet complète-t-il votre schéma ?",
    }
    assert client.post(url, data).status_code == 302
    opinion = Opinion.objects.get(application=application)
    response = client.post(url, data)  # twice: refused, the form is kept
    assert "already requested" in text(response)
    assert "Le projet complète-t-il votre schéma ?" in text(response)
    assert Opinion.objects.count() == 1

    partner_client = _client(partner)
    mine = text(partner_client.get(reverse("calls:opinion_list_mine")))
    assert application.title in mine
    give = reverse("calls:opinion_give", args=[opinion.pk])
    page = text(partner_client.get(give))
    assert "Le projet complète-t-il votre schéma ?" in page
    assert application.summary in page
    response = partner_client.post(give, {"verdict": "", "text": "Mon avis"})
    assert response.status_code == 200 and "Mon avis" in text(response)
    response = partner_client.post(give, {"verdict": "favourable", "text": "Très utile"})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert (opinion.verdict, opinion.text, opinion.given_by) == (
        "favourable",
        "Très utile",
        partner,
    )
    page = text(client.get(instruct_url(application)))
    assert "Received" in page and "Très utile" in page


def test_overdue_opinions_are_flagged(instructor, application, partner, departement_org):
    OpinionFactory(
        application=application,
        organisation=departement_org,
        due_on=TODAY() - datetime.timedelta(days=3),
    )
    assert "Overdue" in text(_client(instructor).get(instruct_url(application)))
    assert "Overdue" in text(_client(partner).get(reverse("calls:opinion_list_mine")))
    listed = text(_client(instructor).get(reverse("calls:application_list")))
    assert 'class="badge badge--closed">1</span> / 1' in listed


# --- the decision and the budget -------------------------------------------------------------


def _decision_data(**overrides) -> dict:
    data = {
        "outcome": "accepted",
        "granted": "",
        "committee_on": TODAY().isoformat(),
        "reference": "CP 2025-07-12",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_a_decision_over_the_budget_is_refused_and_nothing_is_lost(instructor):
    call = CallFactory(budget_cents=5_000_000)  # 50,000 €
    DecisionFactory(application__call=call, granted_cents=4_000_000)  # 40,000 € committed
    application = ApplicationFactory(call=call, proposed=True)  # 30,000 € proposed
    client = _client(instructor)
    url = reverse("calls:application_decide", args=[application.pk])
    response = client.post(url, _decision_data())
    assert response.status_code == 200
    page = text(response)
    assert "This decision would exceed the budget envelope" in page
    assert "€10,000.00 remaining" in page
    assert 'value="CP 2025-07-12"' in page  # what was typed is still there
    assert f'value="{TODAY().isoformat()}"' in page
    application.refresh_from_db()
    assert application.state == S.PROPOSED
    assert not Decision.objects.filter(application=application).exists()

    response = client.post(url, _decision_data(granted="10000"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.ACCEPTED
    assert application.decision.granted_cents == 1_000_000
    budget = text(client.get(reverse("calls:budget_detail", args=[call.pk])))
    assert "€50,000.00" in budget  # committed = envelope
    assert "€0.00" in budget


def test_a_departement_ceiling_is_respected(instructor):
    call = CallFactory()
    CallDepartementCeiling.objects.create(call=call, departement_id="24", ceiling_cents=2_000_000)
    application = ApplicationFactory(call=call, proposed=True)  # Périgueux, 30,000 €
    response = _client(instructor).post(
        reverse("calls:application_decide", args=[application.pk]), _decision_data()
    )
    assert "exceed the ceiling for Dordogne" in text(response)
    application.refresh_from_db()
    assert application.state == S.PROPOSED
    budget = text(_client(instructor).get(reverse("calls:budget_detail", args=[call.pk])))
    assert "Dordogne (24)" in budget and "€20,000.00" in budget


def test_a_rejection_needs_a_reason(instructor):
    application = ApplicationFactory(proposed=True)
    client = _client(instructor)
    url = reverse("calls:application_decide", args=[application.pk])
    response = client.post(url, _decision_data(outcome="rejected"))
    assert "Please give the reason for the rejection." in text(response)
    response = client.post(url, _decision_data(outcome="rejected", reason="Hors critères"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.REJECTED
    assert application.decision.granted_cents == 0


def test_the_budget_page_shows_the_call_and_the_year(instructor):
    call = CallFactory(budget_cents=140_000_000, name="AMI Tiers-lieux")
    CallFactory(year=call.year, budget_cents=10_000_000, name="AMI Télétravail")
    DecisionFactory(application__call=call, granted_cents=6_000_000)
    page = text(_client(instructor).get(reverse("calls:budget_detail", args=[call.pk])))
    assert "€1,400,000.00" in page  # envelope of the call
    assert "€60,000.00" in page  # committed
    assert "€1,340,000.00" in page  # remaining
    assert "€1,500,000.00" in page  # envelopes of the year
    assert "AMI Télétravail" in page


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture
def exported(instructor):
    call = CallFactory(name="AMI export")
    accepted = DecisionFactory(
        application__call=call,
        application__title="Projet financé",
        granted_cents=4_500_050,
        committee_on=datetime.date(2025, 6, 12),
        reference="CP-2025-06",
    ).application
    pending = ApplicationFactory(call=call, submitted=True, title="Projet en cours")
    ApplicationFactory(call=call, title="Brouillon")  # never exported
    ApplicationFactory(submitted=True, title="Autre appel")
    return call, accepted, pending


def test_the_csv_export_has_the_filtered_rows_with_decisions(instructor, exported):
    call, _accepted, _pending = exported
    response = _client(instructor).get(
        reverse("calls:applications_export"), {"call": call.pk, "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["Project"] for r in rows) == ["Projet en cours", "Projet financé"]
    funded = next(r for r in rows if r["Project"] == "Projet financé")
    assert funded["Amount granted (€)"] == "45000.50"
    assert funded["Committee date"] == "2025-06-12"
    assert funded["Decision reference"] == "CP-2025-06"
    assert funded["Decision"] == "Accepted"
    assert funded["Status"] == "Accepted"
    assert funded["Aid requested (€)"] == "30000.00"
    other = next(r for r in rows if r["Project"] == "Projet en cours")
    assert other["Amount granted (€)"] == "" and other["Status"] == "Submitted"

    response = _client(instructor).get(
        reverse("calls:applications_export"), {"state": S.SUBMITTED, "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["Project"] for r in rows) == ["Autre appel", "Projet en cours"]


def test_the_xlsx_export_parses_with_typed_cells(instructor, exported):
    call, accepted, _pending = exported
    response = _client(instructor).get(
        reverse("calls:applications_export"), {"call": call.pk, "format": "xlsx"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    header, rows = values[0], values[1:]
    assert len(rows) == 2
    record = dict(zip(header, next(r for r in rows if r[1] == "Projet financé"), strict=True))
    assert record["Amount granted (€)"] == pytest.approx(45000.50)
    assert record["Committee date"].date() == datetime.date(2025, 6, 12)
    assert record["Number"] == accepted.pk
    assert sheet.freeze_panes == "A2"


def test_exports_in_french_and_a_bad_format(instructor, exported):
    client = _client(instructor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(reverse("calls:applications_export"), {"format": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(header) == 23
    response = client.get(reverse("calls:applications_export"), {"format": "pdf"})
    assert response.status_code == 400


# --- project reviews -------------------------------------------------------------------------


def test_an_instructor_creates_a_review_and_the_network_records_its_view(instructor):
    first = ApplicationFactory(submitted=True, title="Projet A")
    second = ApplicationFactory(under_instruction=True, title="Projet B")
    ApplicationFactory(title="Brouillon non proposé")
    client = _client(instructor)
    form = text(client.get(reverse("calls:review_create")))
    assert "Projet A" in form and "Brouillon non proposé" not in form
    response = client.post(
        reverse("calls:review_create"),
        {"held_on": "", "applications": [first.pk], "notes": "Revue de printemps"},
    )
    assert response.status_code == 200  # no date: the choices stay checked
    assert re.search(rf'value="{first.pk}"[^>]*checked', text(response))
    response = client.post(
        reverse("calls:review_create"),
        {"held_on": TODAY().isoformat(), "applications": [first.pk, second.pk], "notes": ""},
    )
    review = ProjectReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:review_detail", args=[review.pk])

    network = UserFactory(network=True, organisation=OrganisationFactory(kind="network"))
    network_client = _client(network)
    # The network now sees these applications in its list.
    assert "Projet B" in text(network_client.get(reverse("calls:application_list")))
    item = review.items.get(application=first)
    url = reverse("calls:review_detail", args=[review.pk])
    response = network_client.post(
        url,
        {
            "item": item.pk,
            f"item-{item.pk}-network_view": "",
            f"item-{item.pk}-recommendation": "reserved",
        },
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.network_view == ""
    response = network_client.post(
        url,
        {
            "item": item.pk,
            f"item-{item.pk}-network_view": "Collectif solide, modèle à consolider",
            f"item-{item.pk}-recommendation": "reserved",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.network_view, item.recommendation, item.recorded_by) == (
        "Collectif solide, modèle à consolider",
        "reserved",
        network,
    )
    assert "Collectif solide" in text(client.get(url))
    assert "Projet A" in text(client.get(reverse("calls:review_list")))


def test_only_instructors_may_recompute_the_mesh_figures():
    from django.core.exceptions import PermissionDenied

    from tests.accounts.factories import UserFactory
    from tests.calls.factories import ApplicationFactory
    from tierslieux.calls import services

    application = ApplicationFactory()
    with pytest.raises(PermissionDenied):
        services.application_mesh_compute(application=application, by=UserFactory(holder=True))


def test_an_accepted_application_leads_to_its_agreement(instructor):
    application = DecisionFactory().application
    page = text(_client(instructor).get(instruct_url(application)))
    assert reverse("agreements:agreement_create", args=[application.pk]) in page
    rejected = DecisionFactory(accepted=False, granted_cents=0, reason="Hors cadre").application
    rejected.state = ApplicationState.REJECTED
    rejected.save()
    page = text(_client(instructor).get(instruct_url(rejected)))
    assert reverse("agreements:agreement_create", args=[rejected.pk]) not in page


def test_a_pending_opinion_says_pending_not_its_question(instructor, application):
    """The "Opinion" column holds the partner's opinion; while none is given it says so, with
    the due date, and the question asked stays available behind a disclosure."""
    OpinionFactory(
        application=application,
        question="Le projet est-il compatible avec le PLU ?",
        due_on=datetime.date(2031, 3, 14),
    )
    page = _client(instructor).get(instruct_url(application)).content.decode()
    table = page[page.index('id="opinions"') :]
    table = table[: table.index("</table>")]
    cell = table.split("<td>")[-1]  # the "Opinion" column of the only row
    assert "Pending, due on March 14, 2031" in cell
    assert cell.index("Pending") < cell.index("Question asked") < cell.index("PLU")
    assert "<details" in cell
