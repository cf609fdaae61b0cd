"""The demo records generator (``manage.py demo_records``), over the real territory loaded for
the test session, a few invented real-looking places and a short range of years."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from tests.accounts.factories import UserFactory
from tests.calls.factories import CallFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.accounts.models import Organisation, User
from tierslieux.agreements import selectors as agreement_selectors
from tierslieux.agreements.models import (
    Agreement,
    JournalEntry,
    Milestone,
    MilestoneDecision,
    PaymentTranche,
    PremisesAgreement,
    TrancheState,
)
from tierslieux.calls import rules
from tierslieux.calls.models import Application, Assessment, Call, CallKind, Decision, Opinion
from tierslieux.calls.workflow import ApplicationState
from tierslieux.dashboard.models import OtherGrant
from tierslieux.demo import delete, generator, labels
from tierslieux.places.models import Place, PlaceSource, PlaceState
from tierslieux.premises.models import PremisesInterest, PremisesOffer
from tierslieux.surveys.models import Survey, SurveyInvitation, SurveyResponse

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2023, 6, 30)


@pytest.fixture
def real_records():
    """A few published places of a census and a real (non-demo) call."""
    places = [
        PlaceFactory(source=PlaceSource.CGET_2019, commune=commune(code), name=f"Réel {code}")
        for code in ("33063", "87085", "86194", "64445", "24322", "17300")
    ]
    call = CallFactory(name="AMI réel")
    return places, call


def fingerprint() -> dict:
    """Totals that change if any generated record changes."""
    demo_apps = Application.objects.filter(call__is_demo=True)
    return {
        "calls": list(
            Call.objects.filter(is_demo=True)
            .order_by("year", "kind")
            .values_list("name", "budget_cents")
        ),
        "applications": sorted(demo_apps.values_list("title", "state", "commune_id")),
        "granted": Decision.objects.filter(application__in=demo_apps).aggregate(
            s=Sum("granted_cents")
        )["s"],
        "paid": list(
            PaymentTranche.objects.filter(state=TrancheState.PAID)
            .order_by("agreement__application__title", "order")
            .values_list("paid_on", "paid_amount_cents")
        ),
        "places": sorted(
            Place.objects.filter(source="demo").values_list(
                "name", "state", "opened_on", "closed_on"
            )
        ),
        "responses": SurveyResponse.objects.filter(survey__is_demo=True).count(),
        "current": sorted(
            demo_apps.filter(call__name__endswith="(DÉMO)").values_list(
                "title", "state", "commune_id", "created_at", "submitted_at", "proposed_cents"
            )
        ),
        "opinions": sorted(
            Opinion.objects.filter(application__in=demo_apps).values_list(
                "application__title", "due_on", "verdict"
            )
        ),
        "assessments": sorted(
            Assessment.objects.filter(application__in=demo_apps).values_list(
                "application__title", "criterion__code", "score"
            )
        ),
        "grants": OtherGrant.objects.filter(is_demo=True).aggregate(s=Sum("committed_cents"))["s"],
        "premises": sorted(
            PremisesOffer.objects.filter(is_demo=True).values_list(
                "title", "commune_id", "state", "rent_per_m2_month", "inhabitants_brought"
            )
        ),
        "interests": sorted(
            PremisesInterest.objects.values_list("offer__title", "project_label", "state")
        ),
    }


def test_generated_records_obey_the_rules_and_are_labelled(real_records):
    places, real_call = real_records
    before = {p.pk: p.updated_at for p in places}

    summary = generator.demo_records_generate(seed=7, from_year=2019, to_year=2021, today=TODAY)

    # Calls: every generated call is a demo, a creation call each year; the real call is kept.
    assert set(Call.objects.filter(is_demo=False)) == {real_call}
    demo_calls = Call.objects.filter(is_demo=True)
    assert demo_calls.count() == summary.calls >= 3
    # (and the open call of the current year, as ``ensure_demo_call`` names it)
    assert set(demo_calls.filter(kind=CallKind.CREATION).values_list("year", flat=True)) == {
        2019,
        2020,
        2021,
        TODAY.year,
    }
    assert all(c.name.lower().endswith(labels.DEMO_SUFFIX) for c in demo_calls)
    # Applications went through the workflow: decided ones have their decision and logs.
    apps = Application.objects.filter(call__is_demo=True)
    assert apps.count() == summary.applications >= 15
    accepted = apps.filter(state=ApplicationState.ACCEPTED)
    assert 0.4 <= accepted.count() / apps.count() <= 0.8
    for application in accepted.select_related("decision", "call"):
        assert application.submitted_at is not None
        assert application.submitted_at.year == application.call.year
        assert application.decision.committee_on.year == application.call.year
        assert application.logs.filter(to_state=ApplicationState.ACCEPTED).exists()
        # Aid rules: at most the cap of the vulnerable profile (the highest).
        assert (
            0
            < application.decision.granted_cents
            <= rules.DEFAULT_AID_RULES["vulnerable"].cap_cents
        )
        if application.call.kind == CallKind.CREATION:
            # Creation only in a white zone (as computed at submission).
            assert application.minutes_to_nearest_place > 20
    # Tranches: never above the grant, only after their meeting is approved, in order.
    for agreement in Agreement.objects.filter(application__call__is_demo=True):
        paid = list(agreement.tranches.filter(state=TrancheState.PAID).order_by("order"))
        assert sum(t.paid_amount_cents for t in paid) <= agreement.amount_cents
        assert [t.order for t in paid] == list(range(1, len(paid) + 1))
        for tranche in paid:
            assert tranche.paid_on <= TODAY
            assert tranche.paid_on >= agreement.signed_on
            if tranche.depends_on:
                meeting = agreement.milestones.get(kind=tranche.depends_on)
                assert meeting.decision == MilestoneDecision.APPROVED
                assert meeting.held_on <= tranche.paid_on
    # Meetings: none recorded in the future; some waited for adjustments.
    held = Milestone.objects.filter(
        agreement__application__call__is_demo=True, held_on__isnull=False
    )
    assert held.exists()
    assert not held.filter(held_on__gt=TODAY).exists()
    # Places: the funded creation projects opened unpublished demo places in their commune.
    demo_places = Place.objects.filter(source=labels.DEMO_PLACE_SOURCE)
    assert demo_places.count() == summary.places_created > 0
    assert not demo_places.filter(is_published=True).exists()
    assert all(p.name.endswith(labels.DEMO_SUFFIX) for p in demo_places)
    for place in demo_places.exclude(state=PlaceState.PROJECT):
        application = place.applications.get(call__kind=CallKind.CREATION)
        assert place.commune_id == application.commune_id
        assert place.opened_on > application.decision.committee_on
    # Organisations, users, surveys, other grants, journal: labelled demo.
    assert all(
        o.name.endswith(labels.DEMO_SUFFIX)
        for o in Organisation.objects.filter(applications__call__is_demo=True)
    )
    assert all(
        rules.siret_is_valid(s)
        for s in Organisation.objects.filter(name__endswith=labels.DEMO_SUFFIX)
        .exclude(siret="")
        .values_list("siret", flat=True)
    )
    demo_users = User.objects.filter(username__startswith=labels.DEMO_USER_PREFIX)
    assert demo_users.count() == summary.users
    assert not any(u.has_usable_password() for u in demo_users)
    surveys = Survey.objects.filter(is_demo=True)
    assert sorted(surveys.values_list("year", flat=True)) == [2019, 2020, 2021]
    assert all(s.title.endswith(labels.DEMO_SUFFIX) for s in surveys)
    invitations = SurveyInvitation.objects.filter(survey__in=surveys)
    responses = SurveyResponse.objects.filter(survey__in=surveys)
    assert 0.5 <= responses.count() / invitations.count() <= 0.75
    assert not invitations.exclude(email="").exists()  # a demo survey e-mails nobody
    assert all(r.invitation.responded_at == r.submitted_at for r in responses)
    assert OtherGrant.objects.filter(is_demo=True).count() == 3
    assert not OtherGrant.objects.filter(is_demo=False).exists()
    assert JournalEntry.objects.filter(project_label__endswith=labels.DEMO_SUFFIX).count() > 10
    assert PremisesAgreement.objects.filter(place__source=labels.DEMO_PLACE_SOURCE).exists()
    # The real places were not touched.
    assert {p.pk: p.updated_at for p in Place.objects.filter(pk__in=before)} == before


def test_same_seed_same_records_and_delete_keeps_real_records(real_records):
    places, real_call = real_records
    generator.demo_records_generate(seed=3, from_year=2020, to_year=2020, today=TODAY)
    first = fingerprint()
    assert first["applications"]

    deleted = delete.demo_records_delete()

    assert deleted
    assert not labels.demo_records_exist()
    assert not Call.objects.filter(is_demo=True).exists()
    assert not Place.objects.filter(source=labels.DEMO_PLACE_SOURCE).exists()
    assert not Organisation.objects.filter(name__endswith=labels.DEMO_SUFFIX).exists()
    assert not User.objects.filter(username__startswith=labels.DEMO_USER_PREFIX).exists()
    assert not Survey.objects.exists()
    assert not OtherGrant.objects.exists()
    assert not PremisesOffer.objects.exists() and not PremisesInterest.objects.exists()
    assert Call.objects.filter(pk=real_call.pk).exists()
    assert Place.objects.filter(pk__in=[p.pk for p in places]).count() == len(places)

    generator.demo_records_generate(seed=3, from_year=2020, to_year=2020, today=TODAY)
    assert fingerprint() == first


def test_command_is_idempotent_and_deletes_on_request(real_records):
    """A lone demo call (``ensure_demo_call`` makes one to try the product) does not stop the
    generator; a second run does nothing; --delete removes every demo record, that call too."""
    CallFactory(name="AMI (DÉMO)", is_demo=True)
    assert not labels.demo_records_exist()
    out = io.StringIO()
    call_command("demo_records", "--from-year", "2021", "--to-year", "2021", stdout=out)
    assert "DEMO records generated" in out.getvalue()
    assert labels.demo_records_exist()
    counts = fingerprint()

    out = io.StringIO()
    call_command("demo_records", "--from-year", "2021", "--to-year", "2021", stdout=out)

    assert "exist already" in out.getvalue()
    assert fingerprint() == counts

    call_command("demo_records", "--delete", stdout=io.StringIO())
    assert not labels.demo_records_exist()
    assert not Call.objects.filter(is_demo=True).exists()
    assert list(Call.objects.values_list("name", flat=True)) == ["AMI réel"]


CURRENT_STATES = {
    ApplicationState.DRAFT: 2,
    ApplicationState.SUBMITTED: 2,
    ApplicationState.UNDER_INSTRUCTION: 2,
    ApplicationState.CHANGES_REQUESTED: 1,
    ApplicationState.PROPOSED: 1,
    ApplicationState.ACCEPTED: 2,
}


def test_current_year_slice_is_work_in_progress_on_the_open_demo_call(real_records):
    """No open demo call: the generator makes one as ``ensure_demo_call`` would, and puts on
    it applications at every step of the workflow, dated between its opening and today."""
    summary = generator.demo_records_generate(seed=5, from_year=2022, to_year=2022, today=TODAY)

    call = Call.objects.get(is_demo=True, year=TODAY.year)
    assert call.name == f"AMI Création de tiers-lieux {TODAY.year} (DÉMO)"
    assert call.kind == CallKind.CREATION
    assert call.opens_on == TODAY - datetime.timedelta(days=7)
    assert call.closes_on == TODAY + datetime.timedelta(days=90)
    assert call.budget_cents == 1_500_000_00
    apps = Application.objects.filter(call=call)
    states = dict.fromkeys(CURRENT_STATES, 0)
    for state in apps.values_list("state", flat=True):
        states[state] += 1
    assert states == CURRENT_STATES
    assert summary.current_call == call.name
    assert dict(summary.current_states) == CURRENT_STATES
    assert "current year: " + call.name in "\n".join(summary.lines())
    for application in apps.select_related("organisation", "created_by"):
        assert application.title.endswith(labels.DEMO_SUFFIX)
        assert application.organisation.name.endswith(labels.DEMO_SUFFIX)
        assert application.created_by.username.startswith(labels.DEMO_USER_PREFIX)
        assert call.opens_on <= application.created_at.date() <= TODAY
        if application.state != ApplicationState.DRAFT:
            assert call.opens_on <= application.submitted_at.date() <= TODAY
            # A creation project in a white zone, as checked at submission.
            assert application.minutes_to_nearest_place > 20
        for log in application.logs.all():
            assert call.opens_on <= log.at.date() <= TODAY
    # Under instruction: a few assessments, an opinion asked of the network, one overdue.
    instructing = apps.filter(state=ApplicationState.UNDER_INSTRUCTION)
    assert all(a.assessments.exists() for a in instructing)
    opinions = Opinion.objects.filter(application__in=instructing)
    assert opinions.count() == 2
    assert opinions.overdue(on=TODAY).count() == 1
    # Accepted by the committee within the envelope, and no convention yet.
    accepted = apps.filter(state=ApplicationState.ACCEPTED)
    decisions = Decision.objects.filter(application__in=accepted, accepted=True)
    assert decisions.count() == 2
    assert 0 < sum(d.granted_cents for d in decisions) <= call.budget_cents
    assert all(call.opens_on <= d.committee_on <= TODAY for d in decisions)
    assert not Agreement.objects.filter(application__call=call).exists()
    instructor = User.objects.get(username="demo-instructrice")
    awaiting = agreement_selectors.applications_awaiting_agreement(user=instructor)
    assert set(awaiting.filter(call=call)) == set(accepted)


def test_current_year_slice_reuses_the_call_of_ensure_demo_call():
    """As in ``make setup``: ``ensure_demo_call`` then ``demo_records``; the slice goes on
    that call; --delete removes it too; --reset makes it again with its applications."""
    UserFactory(superuser=True)
    call_command("ensure_demo_call", stdout=io.StringIO())
    ensured = Call.objects.get()
    out = io.StringIO()
    call_command("demo_records", "--from-year", "2025", "--to-year", "2025", stdout=out)

    assert "current year: " + ensured.name + " (existing call)" in out.getvalue()
    assert Call.objects.filter(is_demo=True, year=ensured.year).get() == ensured
    states = dict.fromkeys(CURRENT_STATES, 0)
    for state in ensured.applications.values_list("state", flat=True):
        states[state] += 1
    assert states == CURRENT_STATES
    first = fingerprint()

    call_command("demo_records", "--delete", stdout=io.StringIO())
    assert not Call.objects.exists()

    out = io.StringIO()
    call_command("demo_records", "--reset", "--from-year", "2025", "--to-year", "2025", stdout=out)
    assert "(call created)" in out.getvalue()
    again = Call.objects.get(is_demo=True, name=ensured.name)
    assert (again.opens_on, again.closes_on, again.budget_cents) == (
        ensured.opens_on,
        ensured.closes_on,
        ensured.budget_cents,
    )
    # The same records, whether the call was made by ensure_demo_call or by the generator.
    assert fingerprint() == first


def test_premises_on_offer_are_made_through_the_services_and_labelled(real_records):
    """A few dozen buildings of real communes, labelled demo, their match computed by the
    service; interests of current-year applications and one accepted match with its agreement."""
    from tierslieux.territory import mesh

    summary = generator.demo_records_generate(seed=5, from_year=2022, to_year=2023, today=TODAY)
    offers = PremisesOffer.objects.filter(is_demo=True)
    assert summary.premises_offers == offers.count() == 30
    assert not PremisesOffer.objects.filter(is_demo=False).exists()
    assert all(o.title.endswith(labels.DEMO_SUFFIX) for o in offers)
    assert all(o.authority.name.endswith(labels.DEMO_SUFFIX) for o in offers)
    states = dict(offers.values_list("state").annotate(n=Count("pk")))
    assert states == {"draft": 3, "withdrawn": 2, "published": 24, "reserved": 1}
    white = offers.filter(white_zone=True).count()
    assert white >= 15  # two thirds in white zones
    params = mesh.MeshParams.from_settings()
    reserved = offers.get(state="reserved")
    assert reserved.inhabitants_brought == mesh.site_marginal_gain(
        params, lon=reserved.lon, lat=reserved.lat
    )
    accepted = PremisesInterest.objects.get(state="accepted")
    assert accepted.offer == reserved and accepted.agreement is not None
    assert accepted.agreement.authority == reserved.authority
    assert PremisesInterest.objects.count() == summary.premises_interests >= 2
    assert all(i.created_at.date() <= TODAY for i in PremisesInterest.objects.all())
    # Never in the open data.
    from tierslieux.premises.opendata import opendata_records

    assert opendata_records() == []
