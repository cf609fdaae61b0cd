"""The normalised record every import format is read into, and value parsers."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from tierslieux.core.links import is_http_url, scheme_of, validate_http_url
from tierslieux.core.text import normalize


@dataclass
class PlaceRecord:
    """One place read from a file, before its commune is resolved."""

    line: int
    source_id: str
    name: str
    lon: float | None = None
    lat: float | None = None
    insee_code: str = ""
    postcode: str = ""
    city: str = ""
    address: str = ""
    description: str = ""
    kinds: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    state: str = "open"
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    legal_form: str = ""
    pmr_accessible: bool | None = None
    fibre_access: bool | None = None
    website: str = ""
    email: str = ""
    phone: str = ""
    social_links: dict[str, str] = field(default_factory=dict)
    opening_hours: str = ""
    source_date: datetime.date | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ParsedFile:
    records: list[PlaceRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    """Rows left out on purpose (for example, places of another region)."""
    skipped_rows: list[RowError] = field(default_factory=list)
    """Those rows with the reason, when the reader gives one (a region not served)."""
    warnings: list[RowError] = field(default_factory=list)
    """Optional cells that could not be read and were left empty (the row is kept)."""


def drop_invalid_contacts(record: "PlaceRecord") -> list[str]:
    """Empty the website or e-mail of ``record`` when it is not one, and leave out the social
    links that are not http(s) addresses; say what was dropped.

    Census files put notes in these columns ("en cours", a person's name): such a cell is
    not a reason to refuse the place, but it must not be published as a link. (An address
    with a script scheme is refused earlier, by ``clean_url``.)
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import EmailValidator

    dropped = []
    checks = (
        ("website", validate_http_url, _("website")),
        ("email", EmailValidator(), _("e-mail")),
    )
    for name, validator, label in checks:
        value = getattr(record, name)
        if not value:
            continue
        try:
            validator(value)
        except ValidationError:
            dropped.append(
                _("%(label)s ignored, it is not one: “%(value)s”")
                % {"label": label, "value": value}
            )
            setattr(record, name, "")
    for network, url in list(record.social_links.items()):
        if not is_http_url(url):
            dropped.append(
                _("%(label)s ignored, it is not one: “%(value)s”")
                % {"label": network, "value": url}
            )
            del record.social_links[network]
    return dropped


class BadValue(ValueError):
    """A cell that cannot be read; the message says why (translated, shown to the user)."""


class SkipRow(Exception):
    """A good row left out on purpose (a place of a region not served); the message says why."""


def _unreadable(what: str, value: str) -> str:
    return _("%(what)s unreadable: “%(value)s”") % {"what": what, "value": value}


def parse_float(value: str, *, what: str, decimal_comma: bool = False) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    if decimal_comma:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError as exc:
        raise BadValue(_unreadable(what, value)) from exc


def parse_coordinates(lon: float | None, lat: float | None) -> tuple[float | None, float | None]:
    if lon is None or lat is None:
        return None, None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadValue(
            _("coordinates out of bounds: longitude %(lon)s, latitude %(lat)s")
            % {"lon": lon, "lat": lat}
        )
    return lon, lat


def parse_bool(value: str, *, what: str) -> bool | None:
    text = normalize(str(value or ""))
    if not text:
        return None
    if text in {"1", "oui", "o", "yes", "y", "true", "vrai", "x"}:
        return True
    if text in {"0", "non", "n", "no", "false", "faux"}:
        return False
    raise BadValue(
        _("%(what)s: “%(value)s” is neither yes nor no") % {"what": what, "value": value}
    )


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y")


def parse_date(value: str, *, what: str) -> datetime.date | None:
    text = (value or "").strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(
        _("%(what)s: unreadable date “%(value)s” (expected YYYY-MM-DD or DD/MM/YYYY)")
        % {"what": what, "value": value}
    )


def parse_decimal(value: str, *, what: str) -> Decimal | None:
    text = (value or "").strip().replace(",", ".").replace(" ", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise BadValue(_unreadable(what, value)) from exc


_POSTCODE = re.compile(r"^\d{5}$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def clean_postcode(value: str) -> str:
    text = (value or "").strip().replace(" ", "")
    if text == "0":  # CGET writes 0 for "unknown"
        return ""
    if len(text) == 4 and text.isdigit():
        text = "0" + text
    if text and not _POSTCODE.match(text):
        raise BadValue(_("invalid postcode: “%(value)s”") % {"value": value})
    return text


def clean_insee(value: str) -> str:
    """An INSEE code, or "" when the cell holds none (CGET writes 0 for "unknown")."""
    text = (value or "").strip().upper()
    if len(text) == 4 and text.isdigit():
        text = "0" + text
    return text if _INSEE.match(text) else ""


# Schemes that run code or embed content when a link is followed: a cell holding one is an
# attack, not a note, and its row is refused.
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "data", "file", "blob"})


def clean_url(value: str) -> str:
    """A web address as stored: ``https://`` added to a bare host name; ``BadValue`` for an
    address with a script scheme (``javascript:``, ``data:``…), whatever its case or the tabs
    and line breaks inside."""
    text = (value or "").strip()
    if scheme_of(text) in SCRIPT_SCHEMES:
        raise BadValue(
            _("link refused, only http:// and https:// addresses are accepted: “%(value)s”")
            % {"value": text[:100]}
        )
    if text and " " not in text and not re.match(r"^https?://", text, re.IGNORECASE):
        text = "https://" + text.lstrip("/")
    return text


# Keywords of free-text families or services -> our codes (matched on normalised text).
KIND_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("coworking", "coworking"),
    ("bureau", "coworking"),
    ("fablab", "fablab"),
    ("fab lab", "fablab"),
    ("makerspace", "fablab"),
    ("atelier", "craft_workshop"),
    ("artisan", "craft_workshop"),
    ("agricole", "shared_farmland"),
    ("terre", "shared_farmland"),
    ("nourricier", "food"),
    ("alimentation", "food"),
    ("culturel", "cultural"),
    ("culture", "cultural"),
    ("hybride", "hybrid"),
)

SERVICE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("mediation numerique", "digital_mediation"),
    ("numerique", "digital_mediation"),
    ("culturel", "cultural_action"),
    ("culture", "cultural_action"),
    ("cafe", "cafe"),
    ("bar", "cafe"),
    ("formation", "training"),
    ("apprentissage", "learning_space"),
    ("france services", "public_services"),
    ("service public", "public_services"),
    ("services publics", "public_services"),
    ("salle de reunion", "meeting_rooms"),
    ("reunion", "meeting_rooms"),
    ("fabrication", "fabrication"),
    ("accompagnement", "business_support"),
    ("creche", "childcare"),
    ("garde", "childcare"),
    ("epicerie", "food_shop"),
    ("hebergement", "accommodation"),
)


def codes_from_text(text: str, keywords: tuple[tuple[str, str], ...]) -> list[str]:
    """Codes whose keyword appears in ``text`` (normalised), in keyword order, no repeats."""
    norm = f" {normalize(text)} "
    found: list[str] = []
    for keyword, code in keywords:
        if f" {keyword}" in norm and code not in found:
            found.append(code)
    return found
