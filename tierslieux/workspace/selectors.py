"""What the home page and a user's start page show, gathered from the apps' own selectors.

Each panel of the start page is built only when ``user_can`` allows its page, so a user with
several roles sees the union of their panels and nobody is offered a link that answers 403.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tierslieux.agreements import selectors as agreements
from tierslieux.calls import selectors as calls
from tierslieux.core.permissions import user_can
from tierslieux.core.regions import region_name
from tierslieux.network import selectors as network
from tierslieux.places import selectors as places
from tierslieux.premises import selectors as premises_offers
from tierslieux.premises import selectors_interest as premises_interests
from tierslieux.surveys import selectors as surveys
from tierslieux.territory.selectors import region_figures
from tierslieux.training import selectors as training

LIST_LIMIT = 5
"""How many rows a panel lists before it links to the full list."""


@dataclass(frozen=True)
class Line:
    label: str
    url: str = ""
    count: int | None = None
    note: str = ""
    """A short state or date shown after the label."""
    links: tuple[tuple[str, str], ...] = ()
    """Further actions on the row: (label, URL)."""


@dataclass
class Panel:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)
    empty: str = ""
    """Said when there are no lines."""
    more: tuple[tuple[str, str], ...] = ()
    """Links under the panel: (label, URL)."""


@dataclass(frozen=True)
class HomePage:
    figures: Any
    open_places: int


def home_page() -> HomePage:
    """The figures of the territory and the number of open places of the directory."""
    return HomePage(figures=region_figures(), open_places=places.place_open_published().count())


def _holder_panels(user: Any, on: datetime.date) -> list[Panel]:
    mine = list(
        calls.application_list(user=user).filter(organisation_id=user.organisation_id)[
            : LIST_LIMIT + 1
        ]
        if user.organisation_id
        else []
    )
    applications = Panel(
        "applications_mine",
        _("My applications"),
        lines=[
            Line(
                a.title,
                reverse("calls:application_detail", args=[a.pk]),
                note=f"{a.get_state_display()} · {a.call.name}",
            )
            for a in mine[:LIST_LIMIT]
        ],
        empty=_("Your organisation has no application yet."),
        more=((_("All my applications"), reverse("calls:application_mine")),),
    )
    if user.organisation_id:
        organisation = Panel(
            "organisation",
            _("My organisation"),
            lines=[Line(str(user.organisation))],
        )
    else:
        organisation = Panel(
            "organisation",
            _("My organisation"),
            empty=_("Your account is not linked to an organisation yet."),
            more=((_("Register my organisation"), reverse("calls:organisation_register")),),
        )
    panels = [applications, organisation]
    if user_can(user, "agreements.agreement_view"):
        mine_agreements = list(agreements.agreement_list(user=user)[:LIST_LIMIT])
        panels.append(
            Panel(
                "agreements_mine",
                _("My agreements"),
                lines=[
                    Line(
                        str(a),
                        reverse("agreements:agreement_detail", args=[a.pk]),
                        note=a.get_state_display(),
                    )
                    for a in mine_agreements
                ],
                empty=_("No agreement yet."),
            )
        )
    return panels


def _open_calls_panel(user: Any, on: datetime.date) -> Panel:
    lines = []
    may_apply = user_can(user, "calls.application_create")
    may_budget = user_can(user, "calls.budget_view")
    for call in calls.call_list_by_status(on=on).open:
        links = []
        if may_apply:
            links.append((_("Apply"), reverse("calls:application_create", args=[call.pk])))
        if may_budget and user_can(user, "calls.budget_view", call):
            links.append((_("Budget"), reverse("calls:budget_detail", args=[call.pk])))
        lines.append(
            Line(
                call.name,
                reverse("calls:call_detail", args=[call.pk]),
                note=_("closes on %(date)s") % {"date": date_format(call.closes_on)},
                links=tuple(links),
            )
        )
    return Panel(
        "calls_open",
        _("Open calls"),
        lines=lines,
        empty=_("No call is open today."),
        more=((_("Every call"), reverse("calls:call_list")),),
    )


def _instruction_panel(user: Any) -> Panel:
    base = reverse("calls:application_list")
    counts = calls.application_counts_by_state(user=user)
    return Panel(
        "instruction",
        _("Applications to instruct"),
        lines=[
            Line(c.label, f"{base}?{urlencode({'state': c.state})}", count=c.count) for c in counts
        ],
        empty=_("No application submitted yet."),
        more=(
            (_("Every application"), base),
            (_("Applications assigned to me"), f"{base}?mine=on"),
        ),
    )


def _national_panel(user: Any) -> Panel:
    """A national reader's work: every region's files and agreements, read-only, and each
    served region's dashboard (ADR 0029)."""
    dashboard = reverse("dashboard:dashboard_detail")
    regions = settings.TERRITORY_REGIONS
    return Panel(
        "national",
        _("Every region (read-only)"),
        lines=[
            Line(
                _("Applications"),
                reverse("calls:application_list"),
                count=calls.application_list(user=user).count(),
            ),
            Line(
                _("Agreements"),
                reverse("agreements:agreement_list"),
                count=agreements.agreement_list(user=user).count(),
            ),
            *(
                Line(
                    _("Dashboard: %(region)s") % {"region": region_name(code)},
                    f"{dashboard}?{urlencode({'region': code})}",
                )
                for code in (regions if len(regions) > 1 else ())
            ),
        ],
    )


def _reminders_panel(user: Any, on: datetime.date) -> Panel:
    reminders = agreements.reminders_for(user=user, on=on)
    url = reverse("agreements:reminder_list")
    return Panel(
        "reminders",
        _("My reminders"),
        lines=[
            Line(_("Meetings overdue"), url, count=len(reminders.overdue)),
            Line(_("Meetings in the next 30 days"), url, count=len(reminders.upcoming)),
            Line(_("Meeting reports to complete"), url, count=len(reminders.reports_due)),
            Line(_("Premises agreements to renew"), url, count=len(reminders.renewals)),
        ],
    )


def _opinions_panel(user: Any) -> Panel:
    pending = calls.opinion_pending_list(user=user)
    return Panel(
        "opinions",
        _("Opinions asked of my organisation"),
        lines=[
            Line(
                o.application.title,
                reverse("calls:opinion_give", args=[o.pk]),
                note=_("due on %(date)s") % {"date": date_format(o.due_on)},
            )
            for o in pending[:LIST_LIMIT]
        ],
        empty=_("No opinion is waiting for you."),
        more=((_("Every opinion asked"), reverse("calls:opinion_list_mine")),),
    )


def _premises_offers_panel(user: Any) -> Panel:
    """Authorities and the Région: their offers of buildings; others: the offers to browse."""
    listing = (_("Public premises on offer"), reverse("premises:offer_list"))
    if not user_can(user, "premises.offer_create"):
        interests = premises_interests.holder_interests_all(user=user)[:LIST_LIMIT]
        return Panel(
            "premises_offers",
            _("Public premises on offer"),
            lines=[
                Line(
                    interest.offer.title,
                    reverse("premises:offer_detail", args=[interest.offer_id]),
                    note=f"{interest.project_label} · {interest.get_state_display()}",
                )
                for interest in interests
            ]
            + [Line(*listing)],
        )
    offers = (
        premises_offers.offers_managed_qs(user=user)
        .select_related("commune")
        .annotate(interested=Count("interests", filter=Q(interests__state="interested")))
    )
    return Panel(
        "premises_offers",
        _("Buildings on offer"),
        lines=[
            Line(
                offer.title,
                reverse("premises:offer_detail", args=[offer.pk]),
                count=offer.interested or None,
                note=f"{offer.get_state_display()} · {offer.commune.name}",
            )
            for offer in offers[:LIST_LIMIT]
        ],
        empty=_("No building offered yet."),
        more=((_("Offer a building"), reverse("premises:offer_create")), listing),
    )


def start_page(*, user: Any, on: datetime.date) -> list[Panel]:
    """The panels of ``user``'s start page, in the order of their work."""
    panels: list[Panel] = []
    if user_can(user, "calls.application_act_as_holder"):
        panels += _holder_panels(user, on)
    if user_can(user, "calls.application_create") or user_can(user, "calls.budget_view"):
        panels.append(_open_calls_panel(user, on))
    if user_can(user, "calls.application_instruct"):
        panels.append(_instruction_panel(user))
    elif user_can(user, "calls.application_read"):
        panels.append(_national_panel(user))
    if user_can(user, "agreements.reminders_view"):
        panels.append(_reminders_panel(user, on))
    if user_can(user, "calls.opinion_give"):
        panels.append(_opinions_panel(user))
    if user_can(user, "calls.review_record_view"):
        panels.append(
            Panel(
                "reviews",
                _("Project reviews"),
                lines=[
                    Line(
                        _("Project reviews"),
                        reverse("calls:review_list"),
                        count=calls.project_review_list(user=user).count(),
                    )
                ],
            )
        )
    if user_can(user, "agreements.agreement_manage"):
        panels.append(
            Panel(
                "agreements",
                _("Agreements"),
                lines=[
                    Line(
                        _("Agreements"),
                        reverse("agreements:agreement_list"),
                        count=agreements.agreement_list(user=user).count(),
                    ),
                    Line(
                        _("Accepted applications awaiting their agreement"),
                        reverse("agreements:agreement_list"),
                        count=agreements.applications_awaiting_agreement(user=user).count(),
                    ),
                ],
            )
        )
    if user_can(user, "agreements.premises_view"):
        premises = agreements.premises_list(user=user)
        panels.append(
            Panel(
                "premises",
                _("Premises agreements"),
                lines=[
                    Line(str(p.place), reverse("agreements:premises_detail", args=[p.pk]))
                    for p in premises[:LIST_LIMIT]
                ],
                empty=_("No premises agreement yet."),
                more=((_("Every premises agreement"), reverse("agreements:premises_list")),),
            )
        )
    follow = []
    if user_can(user, "agreements.journal_view"):
        follow.append(
            Line(
                _("Accompaniment journal"),
                reverse("agreements:journal_list"),
                count=agreements.journal_list(user=user).count(),
            )
        )
    if user_can(user, "agreements.pipeline_view"):
        follow.append(
            Line(_("Pipeline of emerging projects"), reverse("agreements:pipeline_detail"))
        )
    if user_can(user, "places.review_proposal"):
        follow.append(
            Line(
                _("Proposals of places to review"),
                reverse("places:proposal_list"),
                count=places.proposal_pending_list(user=user).count(),
            )
        )
    if follow:
        panels.append(Panel("accompaniment", _("Accompaniment and directory"), lines=follow))
    if user_can(user, "surveys.survey_manage"):
        panels.append(
            Panel(
                "surveys",
                _("Yearly survey"),
                lines=[
                    Line(
                        row.survey.title,
                        reverse("surveys:survey_detail", args=[row.survey.pk]),
                        note=ngettext(
                            "%(responded)s answer of %(invited)s invited",
                            "%(responded)s answers of %(invited)s invited",
                            row.responded,
                        )
                        % {"responded": row.responded, "invited": row.invited},
                    )
                    for row in surveys.survey_list(user=user)[:LIST_LIMIT]
                ],
                empty=_("No survey yet."),
                more=((_("Every survey"), reverse("surveys:survey_list")),),
            )
        )
    if user_can(user, "premises.contact_view"):
        panels.append(_premises_offers_panel(user))
    if user_can(user, "training.catalogue_manage"):
        panels.append(
            Panel(
                "training",
                _("Training catalogue"),
                lines=[
                    Line(
                        f"{session.starts_at:%d/%m/%Y} — {session.course.title}",
                        reverse("training:session_attendance", args=[session.pk]),
                        note=_("%(taken)s of %(seats)s seats taken")
                        % {"taken": session.seats_taken, "seats": session.seats},
                    )
                    for session in training.session_upcoming(user=user)[:LIST_LIMIT]
                ],
                empty=_("No upcoming session."),
                more=(
                    (_("The catalogue"), reverse("training:course_list")),
                    (_("New course"), reverse("training:course_create")),
                    (_("New session"), reverse("training:session_create")),
                ),
            )
        )
    panels += _network_partnership_panels(user)
    evaluation = [Line(_("Evaluation dashboard"), reverse("dashboard:dashboard_detail"))]
    if user_can(user, "calls.funded_view"):
        evaluation.append(Line(_("Funded projects"), reverse("calls:funded_list")))
    panels.append(Panel("evaluation", _("The policy at a glance"), lines=evaluation))
    return panels


def _network_partnership_panels(user: Any) -> list[Panel]:
    """The partnership programme and the facilitator cohorts (Région and network), the shared
    resources (every signed-in partner and holder)."""
    panels = []
    lines = []
    if user_can(user, "network.programme_view"):
        lines += [
            Line(str(p), reverse("network:programme_detail", args=[p.pk]))
            for p in network.programme_list(user=user)[:LIST_LIMIT]
        ]
        lines.append(Line(_("Partnership programmes"), reverse("network:programme_list")))
    if user_can(user, "training.cohort_view"):
        lines.append(
            Line(
                _("Facilitator training cohorts"),
                reverse("training:cohort_list"),
                count=training.cohort_list(user=user).count(),
            )
        )
    if lines:
        panels.append(Panel("partnership", _("Partnership with the regional network"), lines))
    if user_can(user, "network.resource_view"):
        panels.append(
            Panel(
                "resources",
                _("Shared resources"),
                lines=[
                    Line(
                        _("Guides, model documents and recordings"),
                        reverse("network:resource_list"),
                        count=network.resource_list(user=user).count(),
                    )
                ],
            )
        )
    return panels
