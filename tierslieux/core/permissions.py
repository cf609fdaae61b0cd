"""The one permission helper of the product.

Every view, selector, template and API endpoint asks ``user_can(user, action, obj)``. An action
is a dotted name (``territory.view``); ``ACTION_ROLES`` says which roles may perform it, and an
app may register an object rule (``register_object_rule``) that further restricts an action to
the objects a user is linked to (their organisation's applications, for instance).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from tierslieux.core.roles import Role

Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None
"""Who performs an action given to a service as ``by``: a user, an anonymous visitor, or
``None`` for the system (a command, a background task, a submission's own computations)."""

ANYONE: frozenset[Role] = frozenset(Role)
STAFF_ROLES: frozenset[Role] = frozenset({Role.INSTRUCTOR})

# Action -> roles allowed. Superusers may do everything.
ACTION_ROLES: dict[str, frozenset[Role]] = {
    "workspace.start_view": ANYONE,  # signed-in users only: the page sends others to log in
    "territory.view": ANYONE,
    "territory.run_analysis": frozenset({Role.INSTRUCTOR, Role.NETWORK, Role.READER}),
    "tasks.view_own": frozenset(Role) - {Role.PUBLIC},
    "audit.view": STAFF_ROLES,
    "places.view": ANYONE,
    "places.propose": ANYONE,
    "places.view_unpublished": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "places.change": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "places.import": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "places.review_proposal": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "accounts.manage_roles": STAFF_ROLES,
    "places.view_map": ANYONE,
    "places.find_near": ANYONE,
    "calls.view": ANYONE,
    "calls.call_manage": STAFF_ROLES,
    "calls.application_create": frozenset({Role.HOLDER}),
    "calls.application_view": frozenset(
        {Role.HOLDER, Role.INSTRUCTOR, Role.NETWORK, Role.AUTHORITY}
    ),
    "calls.application_act_as_holder": frozenset({Role.HOLDER}),
    "calls.application_instruct": STAFF_ROLES,
    "calls.application_decide": STAFF_ROLES,
    "calls.opinion_give": frozenset({Role.NETWORK, Role.AUTHORITY}),
    "calls.review_manage": frozenset({Role.INSTRUCTOR}),
    "calls.review_record_view": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "calls.budget_view": frozenset({Role.INSTRUCTOR, Role.READER}),
    "calls.funded_view": ANYONE,
    "agreements.agreement_manage": STAFF_ROLES,
    "agreements.agreement_view": frozenset({Role.HOLDER, Role.INSTRUCTOR}),
    "agreements.reminders_view": STAFF_ROLES,
    "agreements.premises_manage": STAFF_ROLES,
    "agreements.premises_view": frozenset({Role.INSTRUCTOR, Role.AUTHORITY}),
    "agreements.premises_from_match": frozenset({Role.INSTRUCTOR, Role.AUTHORITY}),
    "agreements.journal_write": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "agreements.journal_view": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "agreements.pipeline_view": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "premises.offer_create": frozenset({Role.INSTRUCTOR, Role.AUTHORITY}),
    "premises.offer_manage": frozenset({Role.INSTRUCTOR, Role.AUTHORITY}),
    "premises.offer_view": ANYONE,
    "premises.ranking_view": frozenset({Role.INSTRUCTOR, Role.AUTHORITY}),
    "premises.contact_view": frozenset(Role) - {Role.PUBLIC},
    "premises.interest_express": frozenset({Role.HOLDER}),
    "premises.interest_withdraw": frozenset({Role.HOLDER}),
    "premises.interest_decide": frozenset({Role.INSTRUCTOR, Role.AUTHORITY}),
    "surveys.survey_manage": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "surveys.survey_view": frozenset({Role.INSTRUCTOR, Role.NETWORK, Role.READER}),
    "dashboard.view": ANYONE,
    "training.view": ANYONE,
    "training.catalogue_manage": frozenset({Role.NETWORK}),
    "training.attendance_record": frozenset({Role.NETWORK}),
    "training.registration_view": frozenset({Role.NETWORK}),
    # A registration's personal link is the person's authority (the service checks the token).
    "training.registration_by_link": ANYONE,
    "training.cohort_manage": frozenset({Role.NETWORK}),
    "training.cohort_view": frozenset({Role.NETWORK, Role.INSTRUCTOR}),
    # The partnership programme with the network and its shared resources (ADR 0033).
    "network.programme_view": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "network.programme_manage": STAFF_ROLES,
    "network.report_write": frozenset({Role.NETWORK}),
    "network.meeting_record": frozenset({Role.INSTRUCTOR, Role.NETWORK}),
    "network.resource_view": frozenset(Role) - {Role.PUBLIC},
    "network.resource_manage": frozenset({Role.NETWORK}),
    "dashboard.report_generate": frozenset(Role) - {Role.PUBLIC},
}

ObjectRule = Callable[[Any, Any], bool]
_OBJECT_RULES: dict[str, ObjectRule] = {}


def register_object_rule(action: str, rule: ObjectRule) -> None:
    """Restrict ``action`` on an object to those for whom ``rule(user, obj)`` is true."""
    _OBJECT_RULES[action] = rule


def user_roles(user: Any) -> frozenset[Role]:
    """The roles of ``user``: PUBLIC for everyone, plus one per group the user belongs to."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset({Role.PUBLIC})
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset({Role.PUBLIC} | {r for r in Role if r.value in names})
        user._role_cache = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    """True when ``user`` holds at least one of ``roles``."""
    return bool(user_roles(user) & set(roles))


def user_can(user: Any, action: str, obj: Any = None) -> bool:
    """True when ``user`` may perform ``action`` (on ``obj`` if given)."""
    if action not in ACTION_ROLES:
        raise KeyError(f"Unknown action {action!r}: declare it in ACTION_ROLES")
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return True
    if user is not None and user.is_authenticated and not user.is_active:
        return False
    if not (user_roles(user) & ACTION_ROLES[action]):
        return False
    if obj is not None and not _region_allows(user, action, obj):
        return False
    rule = _OBJECT_RULES.get(action)
    if obj is not None and rule is not None:
        return bool(rule(user, obj))
    return True


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``user_can(user, action, obj)``."""
    if not user_can(user, action, obj):
        raise PermissionDenied(action)


def permission_required(action: str) -> Callable:
    """View decorator: anonymous users go to the login page, others get 403 when refused."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not user_can(request.user, action):
                if not request.user.is_authenticated:
                    from django.contrib.auth.views import redirect_to_login

                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- regions (ADR 0029, docs/regions.md) ------------------------------------------------------
#
# Staff roles are held for ONE region (``User.region_code``): an instructor, a network member,
# a local authority or a reader of region A acts only on region A's objects. A national reader
# reads every region and writes nothing: it is added to read actions only, below. Holders keep
# their own files whatever the region (their role is not regional). Objects say their region
# through ``register_region_of`` (apps register their models in ``ready()``).

REGIONAL_ROLES: frozenset[Role] = frozenset(
    {Role.INSTRUCTOR, Role.NETWORK, Role.AUTHORITY, Role.READER}
)
"""Roles held for one region: they reach only the objects of ``User.region_code``."""

NATIONAL_READ_ACTIONS: tuple[str, ...] = (
    "calls.application_view",
    "calls.application_read",
    "calls.review_record_view",
    "calls.budget_view",
    "agreements.agreement_view",
    "agreements.premises_view",
    "agreements.journal_view",
    "agreements.pipeline_view",
    "surveys.survey_view",
)
"""What a national reader may do besides what anyone may: read, in every region."""
ACTION_ROLES["calls.application_read"] = frozenset({Role.INSTRUCTOR})
"""Read every submitted file of one's region(s) (the national reader: of every region)."""
ACTION_ROLES["calls.review_record"] = ACTION_ROLES["calls.review_record_view"]
"""Record the network's view at a project review (a write: never a national reader's)."""
for _action in NATIONAL_READ_ACTIONS:
    ACTION_ROLES[_action] = ACTION_ROLES[_action] | {Role.NATIONAL_READER}

_REGION_OF: dict[type, Callable[[Any], str | None]] = {}


def register_region_of(model: type, region_of: Callable[[Any], str | None]) -> None:
    """Say which region an object of ``model`` belongs to (``None``: no region)."""
    _REGION_OF[model] = region_of


def object_region_code(obj: Any) -> str | None:
    """The region ``obj`` belongs to, or ``None`` when its kind has none registered."""
    region_of = _REGION_OF.get(type(obj))
    return None if region_of is None else region_of(obj)


def user_region_codes(user: Any) -> frozenset[str] | None:
    """The regions whose files ``user`` reaches through a staff role; ``None`` for every
    region (superusers, national readers: such an account should hold no regional role)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser or Role.NATIONAL_READER in user_roles(user):
        return None
    code = getattr(user, "region_code", "")
    return frozenset({code}) if code else frozenset()


def region_q(user: Any, path: str) -> Q:
    """A ``Q`` keeping the rows whose region (at ``path``) ``user`` reaches as staff."""
    codes = user_region_codes(user)
    return Q() if codes is None else Q(**{f"{path}__in": sorted(codes)})


def _region_allows(user: Any, action: str, obj: Any) -> bool:
    """An object of a region is reached through a regional role only in the user's region;
    a role that is not regional (public, holder, national reader) is not limited here."""
    code = object_region_code(obj)
    if code is None or user is None or not user.is_authenticated:
        return True
    granting = user_roles(user) & ACTION_ROLES[action]
    if granting - REGIONAL_ROLES:
        return True
    return code == getattr(user, "region_code", None)
