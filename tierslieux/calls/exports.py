"""The table of applications for the instruction: one row builder for the page and its files.

``application_rows`` turns the applications a user may see (``selectors.application_list``) into
flat rows (score, opinions overdue, amounts, decision) with a fixed number of queries; the list
page shows them and ``rows_csv`` / ``rows_xlsx`` write the very same rows, so that a file always
matches what the page showed with the same filters.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tierslieux.calls import rules, selectors
from tierslieux.calls.models import Application, CoFinancer
from tierslieux.core import money
from tierslieux.core.exports import spreadsheet_safe, workbook_text_only
from tierslieux.core.permissions import user_can


@dataclass(frozen=True)
class ApplicationRow:
    pk: int
    title: str
    organisation: str
    siret: str
    call: str
    year: int
    commune: str
    commune_code: str
    departement: str
    state: str
    state_label: str
    submitted_at: datetime.datetime | None
    instructors: tuple[str, ...]
    assigned_to_user: bool
    score: Decimal | None
    """Weighted score 0..1, ``None`` until every criterion is scored (instructors only)."""
    opinions_asked: int
    opinions_received: int
    opinions_overdue: int
    requested_cents: int
    suggested_cents: int | None
    proposed_cents: int | None
    decision: str
    granted_cents: int | None
    committee_on: datetime.date | None
    reference: str

    @property
    def proposed_display(self) -> str:
        return money.format_euros(self.proposed_cents) if self.proposed_cents is not None else ""

    @property
    def granted_display(self) -> str:
        return money.format_euros(self.granted_cents) if self.granted_cents is not None else ""


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def application_rows(
    applications: QuerySet[Application], *, user: Any, on: datetime.date
) -> list[ApplicationRow]:
    """Flat rows of ``applications`` (already restricted to what ``user`` may see)."""
    sees_scores = user_can(user, "calls.application_instruct")
    opinions = selectors.opinion_list(user=user).order_by("pk")
    applications = applications.select_related("decision").prefetch_related(
        "instructors",
        "resources",
        "assessments",
        "call__criteria",
        Prefetch("opinions", queryset=opinions, to_attr="visible_opinions"),
    )
    rows = []
    for a in applications:
        score = None
        if sees_scores:
            assessed = {x.criterion_id: x.score for x in a.assessments.all()}
            score = rules.weighted_score(
                rules.CriterionScore(assessed.get(c.pk), c.scale_max, c.weight)
                for c in a.call.criteria.all()
            )
        decision = getattr(a, "decision", None)
        instructors = list(a.instructors.all())
        rows.append(
            ApplicationRow(
                pk=a.pk,
                title=a.title,
                organisation=a.organisation.name,
                siret=a.organisation.siret,
                call=a.call.name,
                year=a.call.year,
                commune=a.commune.name if a.commune_id else "",
                commune_code=a.commune_id or "",
                departement=a.commune.departement_id if a.commune_id else "",
                state=a.state,
                state_label=str(a.get_state_display()),
                submitted_at=a.submitted_at,
                instructors=tuple(_name(i) for i in instructors),
                assigned_to_user=any(i.pk == user.pk for i in instructors),
                score=score,
                opinions_asked=len(a.visible_opinions),
                opinions_received=sum(1 for o in a.visible_opinions if o.is_received),
                opinions_overdue=sum(1 for o in a.visible_opinions if o.is_overdue(on)),
                requested_cents=sum(
                    r.amount_cents for r in a.resources.all() if r.financer == CoFinancer.REGION
                ),
                suggested_cents=a.suggested_cents,
                proposed_cents=a.proposed_cents,
                decision=(
                    ""
                    if decision is None
                    else str(_("Accepted") if decision.accepted else _("Rejected"))
                ),
                granted_cents=decision.granted_cents if decision else None,
                committee_on=decision.committee_on if decision else None,
                reference=decision.reference if decision else "",
            )
        )
    return rows


# --- files -----------------------------------------------------------------------------------


def _columns() -> list[tuple[str, str]]:
    """(attribute, header) of the exported columns; headers in the active language."""
    return [
        ("pk", _("Number")),
        ("title", _("Project")),
        ("organisation", _("Organisation")),
        ("siret", _("SIRET")),
        ("call", _("Call")),
        ("year", _("Budget year")),
        ("commune", _("Commune")),
        ("commune_code", _("INSEE code")),
        ("departement", _("Département")),
        ("state_label", _("Status")),
        ("submitted_at", _("Submitted on")),
        ("instructors", _("Instructors")),
        ("score", _("Score (%)")),
        ("opinions_asked", _("Opinions requested")),
        ("opinions_received", _("Opinions received")),
        ("opinions_overdue", _("Opinions overdue")),
        ("requested_cents", _("Aid requested (€)")),
        ("suggested_cents", _("Aid suggested (€)")),
        ("proposed_cents", _("Aid proposed (€)")),
        ("decision", _("Decision")),
        ("granted_cents", _("Amount granted (€)")),
        ("committee_on", _("Committee date")),
        ("reference", _("Decision reference")),
    ]


MONEY_COLUMNS = frozenset({"requested_cents", "suggested_cents", "proposed_cents", "granted_cents"})


def _value(row: ApplicationRow, name: str) -> Any:
    """A typed cell: euros as ``Decimal``, the score as a percentage, dates as dates."""
    value = getattr(row, name)
    if value is None:
        return None
    if name in MONEY_COLUMNS:
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
    if name == "score":
        return (value * 100).quantize(Decimal("0.1"))
    if name == "instructors":
        return ", ".join(value)
    if name == "submitted_at":
        return value.date()
    return value


def rows_csv(rows: Iterable[ApplicationRow]) -> bytes:
    """RFC 4180 CSV in UTF-8 with a byte-order mark (so that spreadsheets read the accents);
    decimal point, ISO dates."""
    columns = _columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _name, header in columns])
    for row in rows:
        cells = []
        for name, _header in columns:
            value = _value(row, name)
            if value is None:
                cells.append("")
            elif isinstance(value, datetime.date):
                cells.append(value.isoformat())
            else:
                cells.append(spreadsheet_safe(str(value)) if isinstance(value, str) else str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8-sig")


def rows_xlsx(rows: Sequence[ApplicationRow], *, title: str) -> bytes:
    """One sheet with a frozen, filterable header row; euros and dates as typed cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = _columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([header for _name, header in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_value(row, name) for name, _header in columns])
    for index, (name, header) in enumerate(columns, 1):
        letter = get_column_letter(index)
        if name in MONEY_COLUMNS:
            number_format = "#,##0.00"
        elif name in ("submitted_at", "committee_on"):
            number_format = "yyyy-mm-dd"
        else:
            number_format = None
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        sheet.column_dimensions[letter].width = min(max(len(header) + 2, 12), 40)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook_text_only(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
