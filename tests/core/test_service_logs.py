"""Services log their state changes at INFO, with ids only (issue 13)."""

import logging

import pytest

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tierslieux.accounts.services import user_set_roles
from tierslieux.core.logging import RedactSecretsFilter, actor_id
from tierslieux.core.roles import Role
from tierslieux.places.services_write import place_create, place_update

pytestmark = pytest.mark.django_db


def _lines(caplog, logger: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.INFO
    ]


def test_a_place_created_and_changed_is_logged_with_ids(caplog):
    staff = UserFactory(instructor=True, email="staff.person@example.org")
    caplog.set_level(logging.INFO, logger="tierslieux")
    place = place_create(data={"name": "La Fabrique", "commune": "33063"}, by=staff)
    place_update(place=place, data={"name": "La Fabrique 2", "city": "Bordeaux"}, by=staff)
    lines = _lines(caplog, "tierslieux.places.services_write")
    assert lines == [
        f"place {place.pk} created by user {staff.pk}",
        f"place {place.pk} changed by user {staff.pk} (city, name)",
    ]
    assert not any("Fabrique" in line or "staff.person" in line for line in lines)


def test_roles_set_are_logged_without_personal_data(caplog):
    user = UserFactory(email="someone@example.org", first_name="Camille")
    caplog.set_level(logging.INFO, logger="tierslieux")
    user_set_roles(user=user, roles=[Role.NETWORK], by=None)
    (line,) = _lines(caplog, "tierslieux.accounts.services")
    assert line == f"roles of user {user.pk} set to {Role.NETWORK.value} by user None"


def test_actor_id_is_none_for_the_anonymous_and_the_system():
    assert actor_id(None) is None
    assert actor_id(PlaceFactory.build()) is None  # no is_authenticated: not a user


def test_project_loggers_reach_the_console_handler_through_the_redacting_filter():
    logger = logging.getLogger("tierslieux.places.services")
    assert logger.isEnabledFor(logging.INFO)
    handlers = logging.getLogger().handlers
    assert any(isinstance(f, RedactSecretsFilter) for h in handlers for f in h.filters), (
        "the root's console handler (settings.LOGGING) carries the redacting filter"
    )
