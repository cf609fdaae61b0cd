"""Writes on the directory: imports, proposals and their review."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.core.permissions import require
from tierslieux.places.duplicates import DuplicatePair, NamedPoint, probable_duplicates
from tierslieux.places.importers import PlaceRecord, RowError, read_file
from tierslieux.places.models import (
    LocationPrecision,
    Place,
    PlaceProposal,
    PlaceSource,
    PlaceState,
    ProposalState,
)
from tierslieux.territory.models import Commune
from tierslieux.territory.selectors import commune_by_postcode_and_name, commune_locator

# Fields a record or a proposal may set on a place.
RECORD_FIELDS = (
    "name",
    "description",
    "kinds",
    "services",
    "state",
    "opened_on",
    "closed_on",
    "address",
    "postcode",
    "city",
    "legal_form",
    "pmr_accessible",
    "fibre_access",
    "website",
    "email",
    "phone",
    "social_links",
    "opening_hours",
    "source_date",
)


class ImportRejected(Exception):
    """The file has bad rows: nothing was written. ``errors`` lists each one."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: list[RowError] = field(default_factory=list)
    duplicates: list[DuplicatePair] = field(default_factory=list)
    resolved_by: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


# A point this close to a commune's generalised outline belongs to it (gaps between outlines).
OUTLINE_TOLERANCE_KM = 0.5


def _resolve_commune(
    record: PlaceRecord, communes: dict[str, Commune], former: dict[str, str]
) -> tuple[Commune, str]:
    """The commune of a record: by INSEE code (current or retired), else by the point inside
    the commune's outline (or within 500 m of it), else by postcode and name."""
    if record.insee_code in communes:
        return communes[record.insee_code], "insee"
    current = former.get(record.insee_code)
    if current is not None and current in communes:
        return communes[current], "former_insee"
    if record.lon is not None and record.lat is not None:
        code = commune_locator().locate(record.lon, record.lat, tolerance_km=OUTLINE_TOLERANCE_KM)
        if code is not None:
            return communes[code], "point"
    commune = commune_by_postcode_and_name(postcode=record.postcode, name=record.city)
    if commune is not None:
        return commune, "postcode"
    raise ValueError(
        _(
            "commune not found in the loaded territory (INSEE code “%(code)s”, point %(lon)s, "
            "%(lat)s, “%(postcode)s %(city)s”)"
        )
        % {
            "code": record.insee_code or "-",
            "lon": record.lon if record.lon is not None else "-",
            "lat": record.lat if record.lat is not None else "-",
            "postcode": record.postcode,
            "city": record.city,
        }
    )


def _record_values(record: PlaceRecord, commune: Commune) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in RECORD_FIELDS}
    if record.lon is None or record.lat is None:
        values.update(
            lon=commune.lon, lat=commune.lat, location_precision=LocationPrecision.COMMUNE
        )
    else:
        values.update(lon=record.lon, lat=record.lat, location_precision=LocationPrecision.ADDRESS)
    if values["state"] == PlaceState.CLOSED and values["closed_on"] is None:
        # The file says closed without a date: closed at the latest on the source's date.
        values["closed_on"] = record.source_date or timezone.localdate()
    values["commune"] = commune
    return values


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            _("%(field)s: %(messages)s")
            % {"field": name, "messages": " ".join(str(m) for m in messages)}
            for name, messages in exc.message_dict.items()
        )
    return " ".join(str(m) for m in exc.messages)


def places_import(
    *,
    source: str,
    data: bytes,
    by: Any,
    dry_run: bool = False,
    publish: bool = True,
    region_code: str | None = None,
) -> ImportReport:
    """Import a file of places, all or nothing; upsert by (source, source id).

    Every row is validated (format, values, commune, model rules) before anything is
    written; if one row is bad, ``ImportRejected`` lists every bad row and nothing changes.
    Re-importing the same file changes nothing. Probable duplicates are reported, not merged.
    """
    require(by, "places.import")
    if source not in PlaceSource.values:
        raise ValueError(f"Unknown source {source!r}")
    parsed = read_file(source, data, region_code=region_code or settings.TERRITORY_REGION_CODE)
    errors = list(parsed.errors)
    report = ImportReport(
        source=source, skipped=parsed.skipped, warnings=parsed.warnings, dry_run=dry_run
    )

    seen: dict[str, int] = {}
    for record in parsed.records:
        if record.source_id in seen:
            errors.append(
                RowError(
                    record.line,
                    _("identifier “%(id)s” already seen on line %(line)s")
                    % {"id": record.source_id, "line": seen[record.source_id]},
                )
            )
        seen.setdefault(record.source_id, record.line)

    communes = {c.code: c for c in Commune.objects.select_related("departement").defer("geometry")}
    former = {old: c.code for c in communes.values() for old in c.former_codes}
    existing = {p.source_id: p for p in Place.objects.filter(source=source)}
    pending: list[tuple[PlaceRecord, Place, bool]] = []
    for record in parsed.records:
        try:
            commune, how = _resolve_commune(record, communes, former)
        except ValueError as exc:
            errors.append(RowError(record.line, str(exc)))
            continue
        report.resolved_by[how] = report.resolved_by.get(how, 0) + 1
        values = _record_values(record, commune)
        place = existing.get(record.source_id)
        is_new = place is None
        if is_new:
            place = Place(source=source, source_id=record.source_id, is_published=publish)
        changed = is_new or any(getattr(place, k) != v for k, v in values.items())
        for name, value in values.items():
            setattr(place, name, value)
        try:
            # Database constraints are checked at save time (one query each per row here).
            place.full_clean(
                exclude=["search_text"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors.append(RowError(record.line, _validation_message(exc)))
            continue
        pending.append((record, place, changed))

    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))

    others = Place.objects.exclude(source=source)
    report.duplicates = probable_duplicates(
        [
            NamedPoint(_("line %(line)s") % {"line": r.line}, p.name, p.lon, p.lat)
            for r, p, _c in pending
        ],
        [NamedPoint(_("record no. %(pk)s") % {"pk": p.pk}, p.name, p.lon, p.lat) for p in others],
    )
    try:
        with transaction.atomic():
            for _record, place, changed in pending:
                if place.pk is None:
                    report.created += 1
                elif changed:
                    report.updated += 1
                else:
                    report.unchanged += 1
                    continue
                place.save()
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # A database rule refused a row: find which, with the slow per-row checks.
        raise ImportRejected(_constraint_errors(pending)) from None
    return report


def _constraint_errors(pending: list[tuple[PlaceRecord, Place, bool]]) -> list[RowError]:
    errors = []
    for record, place, _changed in pending:
        try:
            place.validate_constraints()
        except ValidationError as exc:
            errors.append(RowError(record.line, _validation_message(exc)))
    return errors or [RowError(0, _("the database refused the import"))]


# --- Proposals ----------------------------------------------------------------------------

PROPOSAL_FIELDS = (
    "name",
    "description",
    "kinds",
    "services",
    "state",
    "address",
    "postcode",
    "commune",
    "website",
    "email",
    "phone",
    "opening_hours",
    "pmr_accessible",
    "fibre_access",
)


@transaction.atomic
def proposal_create(
    *,
    place: Place | None,
    data: dict[str, Any],
    proposer_name: str,
    proposer_email: str,
    comment: str = "",
    by: Any = None,
) -> PlaceProposal:
    """Record a proposed new place (``place`` None) or correction; it waits for review."""
    require(by, "places.propose")
    clean = {k: v for k, v in data.items() if k in PROPOSAL_FIELDS}
    proposal = PlaceProposal(
        place=place,
        data=clean,
        proposer_name=proposer_name,
        proposer_email=proposer_email,
        comment=comment,
        proposed_by=by if by is not None and by.is_authenticated else None,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _apply_proposal(proposal: PlaceProposal) -> Place:
    data = dict(proposal.data)
    commune_code = data.pop("commune", None)
    place = proposal.place or Place(source=PlaceSource.PROPOSAL, source_id=f"P{proposal.pk}")
    if commune_code:
        commune = Commune.objects.get(code=commune_code)
        if place.commune_id != commune.code:
            place.commune = commune
            place.lon, place.lat = commune.lon, commune.lat
            place.location_precision = LocationPrecision.COMMUNE
    for name, value in data.items():
        setattr(place, name, value)
    if place.source == PlaceSource.PROPOSAL:
        place.source_date = proposal.created_at.date()
    if place.state == PlaceState.CLOSED and place.closed_on is None:
        place.closed_on = timezone.localdate()
    return place


@transaction.atomic
def proposal_accept(
    *, proposal: PlaceProposal, by: Any, note: str = "", publish: bool = True
) -> Place:
    """Apply a pending proposal to the directory (a new place is published if ``publish``)."""
    require(by, "places.review_proposal")
    proposal = PlaceProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    place = _apply_proposal(proposal)
    if proposal.place is None:
        place.is_published = publish
    place.full_clean(exclude=["search_text"])
    place.save()
    proposal.place = place
    proposal.state = ProposalState.ACCEPTED
    proposal.reviewed_by = by
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note
    proposal.save()
    return place


@transaction.atomic
def proposal_reject(*, proposal: PlaceProposal, by: Any, note: str) -> PlaceProposal:
    """Refuse a pending proposal, with the reason given to the proposer."""
    require(by, "places.review_proposal")
    proposal = PlaceProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    if not note.strip():
        raise ValidationError({"review_note": _("Give the reason for the refusal.")})
    proposal.state = ProposalState.REJECTED
    proposal.reviewed_by = by
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note
    proposal.save()
    return proposal
