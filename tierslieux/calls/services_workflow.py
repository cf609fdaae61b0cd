"""The application workflow's behaviour: its guards and hooks, and the services that move an
application (``application_transition``, ``application_submit``) or compute its mesh figures.

The table is ``calls.workflow``; the engine is ``core.workflow`` (see ``docs/workflow.md``).
Guards only check (they raise ``ApplicationIncomplete``, ``ApplicationIneligible`` or another
``ValidationError``); the submission's effects (its stamp, the mesh figures, the suggested amount)
are ``after`` hooks; the e-mails leave after the commit unless ``notify=False``.
"""

import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.calls import emails, rules, selectors
from tierslieux.calls.models import Application, ApplicationLog, CallKind, Decision
from tierslieux.calls.recipients import holder_emails, instructor_emails, send_after_commit
from tierslieux.calls.workflow import DECIDED_STATES, TRANSITIONS, ApplicationState, Guard, Hook
from tierslieux.calls.workflow import Actor as Side
from tierslieux.core import clock
from tierslieux.core.permissions import Actor, require
from tierslieux.core.workflow import InvalidTransition, StaleState, TransitionContext, Workflow
from tierslieux.territory import mesh

logger = logging.getLogger(__name__)

__all__ = [
    "APPLICATION_WORKFLOW",
    "MESH_KINDS",
    "ApplicationIncomplete",
    "ApplicationIneligible",
    "InvalidTransition",
    "MeshGain",
    "StaleState",
    "application_mesh_compute",
    "application_submit",
    "application_transition",
    "suggest_amount",
]

MeshGain = Callable[..., int]
"""``(params: MeshParams, *, lon: float, lat: float) -> int``: the inhabitants a new site would
newly bring within the threshold (``territory.mesh.site_marginal_gain`` when not given)."""

# Calls whose projects add a place to the mesh: their figures are computed at submission.
MESH_KINDS: frozenset[str] = frozenset({CallKind.CREATION, CallKind.LOCAL_NETWORK})


class ApplicationIncomplete(ValidationError):
    """Submission refused: ``missing`` lists what the holder must still provide."""

    def __init__(self, missing: list[str]):
        super().__init__(
            _("The application is incomplete. Missing: %(items)s.") % {"items": "; ".join(missing)},
            code="incomplete",
        )
        self.missing = missing


class ApplicationIneligible(ValidationError):
    """Submission refused by the call's eligibility rules; ``reasons`` says why."""

    def __init__(self, reasons: Sequence[str]):
        super().__init__(" ".join(reasons), code="ineligible")
        self.reasons = list(reasons)


# --- the mesh --------------------------------------------------------------------------------

_COMPUTE = object()


def _mesh_params(application: Application) -> mesh.MeshParams:
    return mesh.MeshParams.from_settings(minutes=float(application.call.carence_minutes))


def _nearest_minutes(application: Application) -> float | None:
    """Minutes from the project to the nearest open, published place (None: none reachable or
    no location). Reads only."""
    point = application.point
    if point is None:
        return None
    params = _mesh_params(application)
    places = mesh.places_read(on=params.on)
    minutes = math.inf
    if len(places.ids):
        nearest = mesh.travel_model(params).minutes_to_nearest(
            [point[0]], [point[1]], places.lon, places.lat
        )
        minutes = float(nearest.minutes[0])
    return round(minutes, 1) if math.isfinite(minutes) else None


def _mesh_figures_set(
    application: Application, *, minutes: Any = _COMPUTE, mesh_gain: MeshGain | None = None
) -> None:
    """Set (without saving) the mesh figures: ``minutes`` when a guard computed them already."""
    point = application.point
    if point is None:
        application.minutes_to_nearest_place = None
        application.inhabitants_brought = None
        application.mesh_computed_at = None
        return
    lon, lat = point
    gain = mesh_gain if mesh_gain is not None else mesh.site_marginal_gain
    application.minutes_to_nearest_place = (
        _nearest_minutes(application) if minutes is _COMPUTE else minutes
    )
    application.inhabitants_brought = gain(_mesh_params(application), lon=lon, lat=lat)
    application.mesh_computed_at = clock.now()


@transaction.atomic
def application_mesh_compute(
    *, application: Application, by: Actor = None, mesh_gain: MeshGain | None = None
) -> Application:
    """Store the minutes from the project to the nearest open, published place and the
    inhabitants it would newly bring within the call's threshold (recomputable at any time).

    ``by`` is None for the system (submission, the recompute command); a person must be
    allowed to instruct the application. ``mesh_gain`` replaces the gain computation
    (``territory.mesh.site_marginal_gain`` by default).
    """
    if by is not None:
        require(by, "calls.application_instruct", application)
    _mesh_figures_set(application, mesh_gain=mesh_gain)
    application.save(
        update_fields=[
            "minutes_to_nearest_place",
            "inhabitants_brought",
            "mesh_computed_at",
            "updated_at",
        ]
    )
    return application


def suggest_amount(application: Application) -> None:
    """Pre-fill (without saving) the profile, from the commune's density, and the suggested
    aid."""
    if not application.vulnerability_profile and application.commune_id:
        application.vulnerability_profile = rules.profile_for_density_level(
            application.commune.density_level
        )
    aid_rules = selectors.call_aid_rules(application.call)
    if application.vulnerability_profile in aid_rules:
        application.suggested_cents = rules.aid_suggestion(
            selectors.eligible_expenses_cents(application),
            application.vulnerability_profile,
            aid_rules,
            requested_cents=selectors.region_requested_cents(application),
        )


# --- guards: they check and raise, they write nothing ------------------------------------------

Context = TransitionContext[Application]


def _guard_complete_and_eligible(context: Context) -> None:
    application = context.obj
    today = clock.today()
    if context.transition.source == ApplicationState.DRAFT and not application.call.is_open_on(
        today
    ):
        raise ValidationError(
            _("The call is closed: applications are no longer accepted."), code="call_closed"
        )
    missing = selectors.application_missing(application)
    if missing:
        raise ApplicationIncomplete(missing)
    minutes: Any = selectors.STORED
    if application.call.kind in MESH_KINDS:
        minutes = context.facts["minutes_to_nearest_place"] = _nearest_minutes(application)
    eligibility = selectors.application_eligibility(
        application, on=today, minutes_to_nearest_place=minutes
    )
    if not eligibility.is_eligible:
        raise ApplicationIneligible(eligibility.reasons)


def _guard_amount_proposed(context: Context) -> None:
    if context.obj.proposed_cents is None:
        raise ValidationError(
            _("Set the amount proposed to the committee first."), code="no_amount"
        )


def _guard_decision_recorded(context: Context) -> None:
    decision = Decision.objects.filter(application=context.obj).first()
    wanted = context.transition.target == ApplicationState.ACCEPTED
    if decision is None or decision.accepted != wanted:
        raise ValidationError(
            _("Record the committee's decision to accept or reject."), code="no_decision"
        )


# --- hooks: after (in the transaction) and after the commit ----------------------------------


def _submission_stamp(context: Context) -> None:
    context.obj.submitted_at = clock.now()


def _mesh_store(context: Context) -> None:
    if context.obj.call.kind in MESH_KINDS:
        _mesh_figures_set(
            context.obj,
            minutes=context.facts.get("minutes_to_nearest_place", _COMPUTE),
            mesh_gain=context.options.get("mesh_gain"),
        )


def _amount_suggest(context: Context) -> None:
    if context.obj.suggested_cents is None:
        suggest_amount(context.obj)


def _notify_transition(context: Context) -> None:
    """E-mail the holder (and the instructors when the holder acted after a submission)."""
    application, transition, reason = context.obj, context.transition, context.reason
    label = str(ApplicationState(transition.target).label)
    if transition.target in DECIDED_STATES:
        decision = application.decision
        subject, body = emails.decision_made(
            application,
            accepted=decision.accepted,
            granted_cents=decision.granted_cents,
            reason=reason,
        )
    else:
        subject, body = emails.state_changed(application, to_state_label=label, reason=reason)
    send_after_commit(subject, body, holder_emails(application))
    if transition.actor == Side.HOLDER and transition.source != ApplicationState.DRAFT:
        subject, body = emails.holder_acted(application, to_state_label=label, reason=reason)
        send_after_commit(subject, body, instructor_emails(application))


APPLICATION_WORKFLOW: Workflow[Application] = Workflow(
    model=Application,
    transitions=TRANSITIONS,
    log_model=ApplicationLog,
    log_object_field="application",
    hooks={
        Guard.COMPLETE_AND_ELIGIBLE: _guard_complete_and_eligible,
        Guard.AMOUNT_PROPOSED: _guard_amount_proposed,
        Guard.DECISION_RECORDED: _guard_decision_recorded,
        Hook.SUBMISSION_STAMP: _submission_stamp,
        Hook.MESH_STORE: _mesh_store,
        Hook.AMOUNT_SUGGEST: _amount_suggest,
        Hook.NOTIFY: _notify_transition,
    },
    notifications=frozenset({Hook.NOTIFY}),
    invalid_message=gettext_lazy("An application cannot go from “%(from)s” to “%(to)s”."),
    stale_message=gettext_lazy("The application changed meanwhile (status: %(state)s): reload it."),
)


def application_transition(
    *,
    application: Application,
    to: str,
    by: Actor,
    reason: str = "",
    notify: bool = True,
    mesh_gain: MeshGain | None = None,
) -> Application:
    """Move an application along the workflow: the one place where its state changes.

    Checks the transition table, the user's right on the application, the reason when the
    table requires one and the transition's guard, then writes the log row and runs the hooks.
    ``notify=False``: no e-mail. ``mesh_gain``: see ``application_mesh_compute``.
    """
    return APPLICATION_WORKFLOW.run(
        obj=application, to=to, by=by, reason=reason, notify=notify, mesh_gain=mesh_gain
    )


def application_submit(
    *,
    application: Application,
    by: Actor,
    reason: str = "",
    notify: bool = True,
    mesh_gain: MeshGain | None = None,
) -> Application:
    """Submit a draft, or resubmit after a request for changes (completeness and eligibility
    are checked; the mesh figures are stored for the instructors)."""
    return application_transition(
        application=application,
        to=ApplicationState.SUBMITTED,
        by=by,
        reason=reason,
        notify=notify,
        mesh_gain=mesh_gain,
    )
