"""Sign-in accounts for the demo records: one active user of every role group.

The demo generator (``generator.py``) makes its actors with unusable passwords. After it ran, this
module makes sure that a person trying the product can sign in as each role and find work:

- ``demo-porteur`` (holder): a member of the demo organisation that has an agreement and the
  most applications;
- ``demo-instructrice`` (instructor) and ``demo-reseau`` (regional network): the generator's
  own actors (the network is asked for opinions and takes part in project reviews);
- ``demo-collectivite`` (local authority): a member of the demo commune that lends the most
  premises, asked for its opinion on the applications under instruction of the current call;
- ``demo-lecteur`` (reader, elected official);
- ``demo-lecture-nationale`` (national reader: State, France Tiers-Lieux; reads every region).

Passwords are set only when ``settings.DEBUG`` is on (development): in production the accounts
exist but nobody can sign in with them. The accounts have no e-mail address, so that no reminder
or notification is ever sent for them. See ``docs/demo-data.md``.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from tierslieux.accounts.models import Organisation, OrganisationKind, User
from tierslieux.accounts.services import roles_ensure
from tierslieux.agreements.models import Agreement
from tierslieux.agreements.workflow import AgreementState
from tierslieux.calls import services as calls
from tierslieux.calls.models import Application, Opinion, PartnerKind
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock
from tierslieux.core.roles import Role
from tierslieux.demo.labels import DEMO_SUFFIX, DEMO_USER_PREFIX

DEMO_PASSWORD = "tiers-lieux-demo"
"""The password of every demo account, for development only (``settings.DEBUG``)."""

OPINION_DAYS = 21


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    organisation: str
    can_sign_in: bool


def _account(
    username: str, role: Role, organisation: Organisation | None, groups: dict, **names: str
) -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.organisation = organisation
    user.is_active = True
    for field, value in names.items():
        setattr(user, field, value)
    if settings.DEBUG:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(groups[role.value])
    return user


def _holder_organisation() -> Organisation | None:
    """The demo organisation with an agreement, a signed (running) one first, and the most
    applications."""
    with_agreement = Agreement.objects.filter(
        application__organisation__name__endswith=DEMO_SUFFIX
    ).values_list("application__organisation_id", flat=True)
    return (
        Organisation.objects.filter(pk__in=with_agreement)
        .annotate(
            signed=Count(
                "applications__agreement",
                filter=Q(applications__agreement__state=AgreementState.SIGNED),
                distinct=True,
            ),
            n=Count("applications", distinct=True),
        )
        .order_by("-signed", "-n", "pk")
        .first()
    )


def _authority_organisation() -> Organisation:
    """The demo commune that lends the most premises (one is made if none lends any)."""
    lending = (
        Organisation.objects.filter(name__endswith=DEMO_SUFFIX, kind=OrganisationKind.COMMUNE)
        .annotate(n=Count("premises_agreements"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    if lending is not None:
        return lending
    organisation = Organisation(
        name="Commune partenaire" + DEMO_SUFFIX, kind=OrganisationKind.COMMUNE
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def _ask_opinions(authority: Organisation, instructor: User, today: datetime.date) -> int:
    """Ask ``authority`` for its opinion on the demo applications under instruction."""
    asked = 0
    applications = Application.objects.filter(
        call__is_demo=True, state=ApplicationState.UNDER_INSTRUCTION
    ).exclude(opinions__organisation=authority)
    for application in applications.order_by("pk")[:3]:
        calls.opinion_request(
            application=application,
            organisation=authority,
            partner_kind=PartnerKind.COMMUNE,
            due_on=today + datetime.timedelta(days=OPINION_DAYS),
            by=instructor,
            question="Avis de la commune sur le projet et les locaux (démo).",
        )
        asked += 1
    return asked


@transaction.atomic
def demo_users_ensure() -> list[DemoLogin]:
    """Make (or refresh) one sign-in account per role over the demo records."""
    groups = {group.name: group for group in roles_ensure()}
    logins: list[DemoLogin] = []

    def keep(user: User, role: Role) -> None:
        logins.append(
            DemoLogin(user.username, role, str(user.organisation or ""), user.has_usable_password())
        )

    instructor = User.objects.filter(username=f"{DEMO_USER_PREFIX}instructrice").first()
    region = instructor.organisation if instructor else None
    instructor = _account(
        f"{DEMO_USER_PREFIX}instructrice", Role.INSTRUCTOR, region, groups, first_name="Camille"
    )
    keep(instructor, Role.INSTRUCTOR)

    network = User.objects.filter(username=f"{DEMO_USER_PREFIX}reseau").first()
    network_org = network.organisation if network else None
    if network_org is None:
        network_org = Organisation.objects.filter(
            name__endswith=DEMO_SUFFIX, kind=OrganisationKind.NETWORK
        ).first()
    keep(_account(f"{DEMO_USER_PREFIX}reseau", Role.NETWORK, network_org, groups), Role.NETWORK)

    holder_org = _holder_organisation()
    if holder_org is not None:
        keep(
            _account(f"{DEMO_USER_PREFIX}porteur", Role.HOLDER, holder_org, groups),
            Role.HOLDER,
        )

    authority = _authority_organisation()
    authority_user = _account(f"{DEMO_USER_PREFIX}collectivite", Role.AUTHORITY, authority, groups)
    if not Opinion.objects.filter(organisation=authority).exists():
        _ask_opinions(authority, instructor, clock.today())
    keep(authority_user, Role.AUTHORITY)

    keep(_account(f"{DEMO_USER_PREFIX}lecteur", Role.READER, None, groups), Role.READER)
    keep(
        _account(f"{DEMO_USER_PREFIX}lecture-nationale", Role.NATIONAL_READER, None, groups),
        Role.NATIONAL_READER,
    )
    return logins
