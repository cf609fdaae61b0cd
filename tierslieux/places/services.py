"""Writes on the directory: imports, proposals and their review."""

import logging
import re
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tierslieux.core import clock
from tierslieux.core.logging import actor_id
from tierslieux.core.permissions import Actor, require
from tierslieux.places.changes import places_changed
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
from tierslieux.territory.models import Commune, Departement
from tierslieux.territory.selectors import commune_by_postcode_and_name, commune_locator

logger = logging.getLogger(__name__)

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
    skipped_rows: list[RowError] = field(default_factory=list)
    """The rows left out on purpose, with their line and reason (a region not served)."""
    warnings: list[RowError] = field(default_factory=list)
    duplicates: list[DuplicatePair] = field(default_factory=list)
    resolved_by: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (kept with a background import's progress)."""
        return {
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "skipped_rows": [str(row) for row in self.skipped_rows],
            "dry_run": self.dry_run,
            "resolved_by": self.resolved_by,
            "warnings": [str(w) for w in self.warnings],
            "duplicates": [str(pair) for pair in self.duplicates],
        }


def import_upload_dir() -> Path:
    """Where uploaded import files wait for their background import (never served)."""
    return Path(settings.VAR_DIR) / "private-media" / "imports"


def import_upload_path(name: str) -> Path:
    """The stored file ``name`` (a name ``import_upload_store`` gave; nothing else)."""
    if not re.fullmatch(r"[0-9a-f]{32}", name):
        raise ValueError(f"Not an import upload name: {name!r}")
    return import_upload_dir() / name


def import_upload_store(data: bytes) -> str:
    """Keep an uploaded file for its background import; returns its name."""
    directory = import_upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    (directory / name).write_bytes(data)
    return name


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
        values["closed_on"] = record.source_date or clock.today()
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


Progress = Callable[[float, str], None]
"""Told the fraction done (0..1) and what is being done, as an import goes."""

PROGRESS_EVERY_ROWS = 2_000

# The fields an import sets, validated row by row (the others keep their model defaults).
VALIDATED_FIELDS = frozenset(
    (*RECORD_FIELDS, "lon", "lat", "location_precision", "source", "source_id")
)
WRITTEN_FIELDS = (*RECORD_FIELDS, "lon", "lat", "location_precision", "commune", "search_text")


def _no_progress(fraction: float, message: str) -> None:
    return None


def places_import(
    *,
    source: str,
    data: bytes,
    by: Actor,
    dry_run: bool = False,
    publish: bool = True,
    region_code: str | None = None,
    regions: Collection[str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file of places, all or nothing; upsert by (source, source id).

    Every row is validated (format, values, commune, model rules) before anything is
    written; if one row is bad, ``ImportRejected`` lists every bad row and nothing changes.
    Re-importing the same file changes nothing. Probable duplicates are reported, not merged.
    The checks run outside any transaction; only the final write (bulk inserts and updates,
    with one audit entry per place written) holds one. ``dry_run`` checks and reports
    without writing. ``progress(fraction, message)`` is told how far the import has gone.
    ``regions`` (default: ``TERRITORY_REGIONS``; ``region_code``: that one region) are the
    regions whose rows a file that says the region (the CGET census) keeps; the rows of other
    regions are skipped, each reported with its line and reason.
    """
    require(by, "places.import")
    if source not in PlaceSource.values:
        raise ValueError(f"Unknown source {source!r}")
    progress = progress or _no_progress
    progress(0.0, _("Reading the file"))
    if regions is None:
        regions = (region_code,) if region_code else tuple(settings.TERRITORY_REGIONS)
    parsed = read_file(
        source,
        data,
        regions=regions,
        departement_regions=dict(Departement.objects.values_list("code", "region_code")),
    )
    errors = list(parsed.errors)
    report = ImportReport(
        source=source,
        skipped=parsed.skipped,
        skipped_rows=parsed.skipped_rows,
        warnings=parsed.warnings,
        dry_run=dry_run,
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
    exclude = [f.name for f in Place._meta.fields if f.name not in VALIDATED_FIELDS]
    pending: list[tuple[PlaceRecord, Place, dict[str, Any] | None]] = []
    total = len(parsed.records)
    for index, record in enumerate(parsed.records):
        if index % PROGRESS_EVERY_ROWS == 0:
            progress(
                0.05 + 0.65 * index / total,
                _("Checking row %(done)s of %(total)s") % {"done": index, "total": total},
            )
        try:
            commune, how = _resolve_commune(record, communes, former)
        except ValueError as exc:
            errors.append(RowError(record.line, str(exc)))
            continue
        report.resolved_by[how] = report.resolved_by.get(how, 0) + 1
        values = _record_values(record, commune)
        place = existing.get(record.source_id)
        before: dict[str, Any] | None = None
        if place is None:
            place = Place(source=source, source_id=record.source_id, is_published=publish)
        else:
            before = {k: getattr(place, k) for k in values if getattr(place, k) != values[k]}
        for name, value in values.items():
            setattr(place, name, value)
        try:
            place.clean_fields(exclude=exclude)
            _check_dates(place)
        except ValidationError as exc:
            errors.append(RowError(record.line, _validation_message(exc)))
            continue
        pending.append((record, place, before))

    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))

    progress(0.7, _("Looking for probable duplicates"))
    others = Place.objects.exclude(source=source).values_list("pk", "name", "lon", "lat")
    report.duplicates = probable_duplicates(
        [
            NamedPoint(_("line %(line)s") % {"line": r.line}, p.name, p.lon, p.lat)
            for r, p, _b in pending
        ],
        [
            NamedPoint(_("record no. %(pk)s") % {"pk": pk}, n, lon, lat)
            for pk, n, lon, lat in others
        ],
    )
    created = [place for _r, place, before in pending if place.pk is None]
    updated = [place for _r, place, before in pending if place.pk is not None and before]
    report.created, report.updated = len(created), len(updated)
    report.unchanged = len(pending) - len(created) - len(updated)
    if dry_run:
        progress(1.0, _("Checked: nothing written (dry run)"))
        return report
    writing = len(created) + len(updated)
    progress(
        0.8,
        ngettext("Writing %(count)s place", "Writing %(count)s places", writing)
        % {"count": writing},
    )
    try:
        _places_write(created, updated, {id(p): b for _r, p, b in pending if b}, by=by)
    except IntegrityError:
        # A database rule refused a row: find which, with the slow per-row checks.
        raise ImportRejected(_constraint_errors(pending)) from None
    progress(1.0, _("Imported"))
    logger.info(
        "places imported: %s created, %s updated, %s unchanged, by user %s",
        report.created,
        report.updated,
        report.unchanged,
        actor_id(by),
    )
    return report


def _check_dates(place: Place) -> None:
    """The database's date rule, checked before writing so the row can be named."""
    if place.opened_on and place.closed_on and place.closed_on < place.opened_on:
        raise ValidationError({"closed_on": _("The closing date is before the opening date.")})


IMPORT_BATCH_SIZE = 500


@transaction.atomic
def _places_write(
    created: list[Place], updated: list[Place], before: dict[int, dict[str, Any]], *, by: Actor
) -> None:
    """Insert and update in batches, with one audit entry per place (the audit log's format:
    each changed field as [old, new] text)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    now = clock.now()
    for place in [*created, *updated]:
        place.search_text = place.build_search_text()
    for place in updated:
        place.updated_at = now
    Place.objects.bulk_create(created, batch_size=IMPORT_BATCH_SIZE)
    Place.objects.bulk_update(
        updated, [*WRITTEN_FIELDS, "updated_at"], batch_size=IMPORT_BATCH_SIZE
    )
    if created and created[0].pk is None:  # a backend that does not return the new ids
        ids = dict(
            Place.objects.filter(
                source=created[0].source, source_id__in=[p.source_id for p in created]
            ).values_list("source_id", "pk")
        )
        for place in created:
            place.pk = ids[place.source_id]
    content_type = ContentType.objects.get_for_model(Place)
    actor = by if getattr(by, "is_authenticated", False) else None
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(place.pk),
            object_id=place.pk,
            object_repr=str(place)[:200],
            action=LogEntry.Action.CREATE,
            changes={name: ["None", _audit_text(getattr(place, name))] for name in RECORD_FIELDS},
            actor=actor,
            timestamp=now,
        )
        for place in created
    ]
    entries += [
        LogEntry(
            content_type=content_type,
            object_pk=str(place.pk),
            object_id=place.pk,
            object_repr=str(place)[:200],
            action=LogEntry.Action.UPDATE,
            changes={
                name: [_audit_text(old), _audit_text(getattr(place, name))]
                for name, old in before[id(place)].items()
            },
            actor=actor,
            timestamp=now,
        )
        for place in updated
    ]
    LogEntry.objects.bulk_create(entries, batch_size=IMPORT_BATCH_SIZE)
    if created or updated:
        places_changed()


def _audit_text(value: Any) -> str:
    if isinstance(value, Commune):
        return value.code
    return "None" if value is None else str(value)


def _constraint_errors(pending: list[tuple[PlaceRecord, Place, Any]]) -> list[RowError]:
    errors = []
    for record, place, _before in pending:
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
    by: Actor = None,
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
    logger.info(
        "place proposal %s created for place %s by user %s",
        proposal.pk,
        place and place.pk,
        actor_id(by),
    )
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
        place.closed_on = clock.today()
    return place


@transaction.atomic
def proposal_accept(
    *, proposal: PlaceProposal, by: Actor, note: str = "", publish: bool = True
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
    proposal.reviewed_at = clock.now()
    proposal.review_note = note
    proposal.save()
    logger.info(
        "place proposal %s accepted: place %s, by user %s", proposal.pk, place.pk, actor_id(by)
    )
    places_changed()
    return place


@transaction.atomic
def proposal_reject(*, proposal: PlaceProposal, by: Actor, note: str) -> PlaceProposal:
    """Refuse a pending proposal, with the reason given to the proposer."""
    require(by, "places.review_proposal")
    proposal = PlaceProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    if not note.strip():
        raise ValidationError({"review_note": _("Give the reason for the refusal.")})
    proposal.state = ProposalState.REJECTED
    proposal.reviewed_by = by
    proposal.reviewed_at = clock.now()
    proposal.review_note = note
    proposal.save()
    logger.info("place proposal %s rejected by user %s", proposal.pk, actor_id(by))
    return proposal
