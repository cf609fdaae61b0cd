"""The explicit keywords the demo records use instead of patching: ``notify=False`` sends no
e-mail; ``mesh_gain`` replaces the mesh computation of the inhabitants brought."""

import pytest

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, CallFactory, holder_user
from tests.places.factories import PlaceFactory
from tierslieux.calls import services
from tierslieux.calls.workflow import ApplicationState as S
from tierslieux.core import clock
from tierslieux.territory import mesh

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor():
    return UserFactory(instructor=True, email="instructrice@example.org")


def test_transitions_with_notify_false_send_no_email(
    instructor, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    holder = holder_user(application.organisation, email="porteuse@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.application_submit(application=application, by=holder, notify=False)
        services.application_transition(
            application=application, to=S.UNDER_INSTRUCTION, by=instructor, notify=False
        )
        services.application_transition(
            application=application,
            to=S.CHANGES_REQUESTED,
            by=instructor,
            reason="Joignez le bail.",
            notify=False,
        )
        # The holder resubmits: by default the instructors would be told.
        services.application_submit(
            application=application, by=holder, reason="Bail joint.", notify=False
        )
        services.application_transition(
            application=application, to=S.UNDER_INSTRUCTION, by=instructor, notify=False
        )
        services.application_amount_set(application=application, by=instructor, profile=None)
        services.application_transition(
            application=application, to=S.PROPOSED, by=instructor, notify=False
        )
        services.application_decide(
            application=application,
            accepted=False,
            committee_on=clock.today(),
            reason="Plan de financement fragile.",
            by=instructor,
            notify=False,
        )
    application.refresh_from_db()
    assert application.state == S.REJECTED
    assert application.logs.count() == 7
    assert callbacks == []
    assert mailoutbox == []


def test_notify_defaults_to_true(instructor, mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    holder = holder_user(application.organisation, email="porteuse@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=holder)
    assert [m.to for m in mailoutbox] == [["porteuse@example.org"]]


def test_mesh_gain_replaces_the_computation_at_submission():
    PlaceFactory()  # Bordeaux
    seen = []

    def gain(params, *, lon, lat):
        seen.append((params.minutes, lon, lat))
        return 1234

    application = ApplicationFactory(call=CallFactory(creation=True))
    services.application_submit(
        application=application, by=holder_user(application.organisation), mesh_gain=gain
    )
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.inhabitants_brought == 1234
    assert seen == [(float(application.call.carence_minutes), *application.point)]
    # The minutes to the nearest place are still computed for real.
    assert application.minutes_to_nearest_place > 100


def test_mesh_compute_without_mesh_gain_uses_the_mesh():
    PlaceFactory()
    application = ApplicationFactory(call=CallFactory(creation=True))
    services.application_mesh_compute(application=application)
    params = mesh.MeshParams.from_settings(minutes=float(application.call.carence_minutes))
    lon, lat = application.point
    assert application.inhabitants_brought == mesh.site_marginal_gain(params, lon=lon, lat=lat)
    services.application_mesh_compute(
        application=application, mesh_gain=lambda params, *, lon, lat: 7
    )
    application.refresh_from_db()
    assert application.inhabitants_brought == 7


def test_candidates_marginal_gains_match_the_gain_of_one_site():
    PlaceFactory()
    params = mesh.MeshParams.from_settings(minutes=20.0)
    candidates, gains = mesh.candidates_marginal_gains(params)
    assert len(gains) == len(candidates.ids) > 4000
    for j in (0, len(gains) // 2, len(gains) - 1):
        lon, lat = float(candidates.lon[j]), float(candidates.lat[j])
        assert gains[j] == mesh.site_marginal_gain(params, lon=lon, lat=lat)
