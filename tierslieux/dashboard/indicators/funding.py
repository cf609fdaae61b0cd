"""What the grants did and cost: survival of funded places, amounts committed and paid, and the
money table by year and budget line.

Each indicator is a ``Definition`` and a pure function of a ``Scope``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from tierslieux.dashboard.indicators.codes import Code, Definition, Unit
from tierslieux.dashboard.indicators.data import (
    CALL_LINES,
    DEFAULT_SINCE,
    MONEY_LINES,
    Money,
    latest,
    share,
    years_before,
)
from tierslieux.dashboard.indicators.results import Indicator, MoneyRow, MoneyTable
from tierslieux.dashboard.indicators.scope import Scope

SURVIVAL_RATE = Definition(
    Code.SURVIVAL_RATE,
    _("Funded tiers-lieux still open"),
    Unit.SHARE,
    _(
        "Among the tiers-lieux whose first grant (an accepted decision on an "
        "application naming the place) is at least N years before the date, the share "
        "still open on the date. Applications that name no place (a creation not yet "
        "linked to the directory) are not counted."
    ),
    published=0.90,
)


def survival_rate(s: Scope) -> Indicator:
    cutoff = years_before(s.on, s.survival_years)
    by_id = {p.id: p for p in s.here}
    first_grant = s.records.first_grant
    funded = [by_id[pid] for pid, first in first_grant.items() if first <= cutoff and pid in by_id]
    alive = sum(1 for p in funded if p.open_on(s.on))
    grant_dates = [first_grant[p.id] for p in funded]
    return s.row(
        SURVIVAL_RATE,
        share(alive, len(funded)),
        numerator=alive,
        denominator=len(funded),
        data_date=latest([*grant_dates, *(p.last_change_on(s.on) for p in funded)]),
        note=gettext_now("%(years)d years after the first grant") % {"years": s.survival_years},
    )


# --- money ------------------------------------------------------------------------------------


def money_in(
    items: Iterable[Money], *, on: datetime.date, since: int, departement: str | None
) -> Iterable[Money]:
    """Money recorded on or before ``on``, of the years ``since``..``on.year``, in the territory
    (per département: the calls only, by the commune of the project)."""
    for m in items:
        if m.on > on or not since <= m.year <= on.year:
            continue
        if departement is not None and (m.line not in CALL_LINES or m.departement != departement):
            continue
        yield m


def money_table(
    committed: Iterable[Money],
    paid: Iterable[Money],
    *,
    on: datetime.date,
    since: int,
    departement: str | None,
) -> MoneyTable:
    """Amounts committed and paid per year and line, from ``since`` to the year of ``on``."""
    cells: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    dates = []
    for index, items in ((0, committed), (1, paid)):
        for m in money_in(items, on=on, since=since, departement=departement):
            cells[(m.year, m.line)][index] += m.cents
            dates.append(m.on)
    order = {code: i for i, (code, _label) in enumerate(MONEY_LINES)}
    labels = dict(MONEY_LINES)
    rows = tuple(
        MoneyRow(
            year=year,
            line=line,
            line_label=str(labels.get(line, line)),
            is_call=line in CALL_LINES,
            committed_cents=c,
            paid_cents=p,
        )
        for (year, line), (c, p) in sorted(
            cells.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 99))
        )
    )
    return MoneyTable(
        since=since,
        until=max(on.year, since),
        departement=departement,
        rows=rows,
        data_date=latest(dates),
    )


def scope_money(s: Scope) -> MoneyTable:
    """The money table of a scope (shared by the two money indicators and the snapshot)."""
    return money_table(
        s.records.committed, s.records.paid, on=s.on, since=s.since, departement=s.departement
    )


def _since_note(s: Scope) -> str:
    return str(gettext_now("since %(year)d") % {"year": s.since})


def _money_date(s: Scope, items: Iterable[Money]) -> datetime.date | None:
    return latest(m.on for m in money_in(items, on=s.on, since=s.since, departement=s.departement))


COMMITTED = Definition(
    Code.COMMITTED,
    _("Amounts committed"),
    Unit.CENTS,
    _(
        "Grants committed from the first year chosen to the date: amounts granted by "
        "the committee on the calls (by year of the committee), plus the other grants "
        "such as the yearly support to the regional network (by budget year). Per "
        "département, only the calls count (by the commune of the project); the other "
        "grants are regional."
    ),
    published=960_000_000,
)


def committed(s: Scope) -> Indicator:
    total = s.shared(scope_money).total_committed_cents
    return s.row(
        COMMITTED,
        total,
        numerator=total,
        data_date=_money_date(s, s.records.committed),
        # The Région published "9.6 M EUR since 2016": comparable only from 2016.
        published=s.regional and s.since == DEFAULT_SINCE,
        note=_since_note(s),
    )


PAID = Definition(
    Code.PAID,
    _("Amounts paid"),
    Unit.CENTS,
    _(
        "Payments made from the first year chosen to the date: tranches of the "
        "conventions paid (by payment date) and the other grants paid (by payment "
        "date). Per département, only the tranches count."
    ),
)


def paid(s: Scope) -> Indicator:
    total = s.shared(scope_money).total_paid_cents
    return s.row(
        PAID,
        total,
        numerator=total,
        data_date=_money_date(s, s.records.paid),
        note=_since_note(s),
    )
