"""One validator for every file a user sends: size, extension, real type, bounded archives.

``check_upload(upload, policy=...)`` runs in the form or the view, before any database
transaction is opened (on SQLite a write transaction locks the whole database), and returns a
``CheckedUpload``: the cleaned display name, the kind found in the content, the content type to
serve and the SHA-256 of the bytes. Services take a ``CheckedUpload`` and only store it.

What is checked, in this order, each failure a ``ValidationError`` with a ``code``:

- the extension is one the policy accepts (``file_type``), on the name cleaned of control and
  bidirectional characters (so ``facture\u202egpj.exe`` is an ``.exe``);
- the size is within the policy's limit (``file_size``) and not zero (``file_empty``);
- the first bytes say the same kind as the extension (``file_content``);
- for ZIP-based formats (ODT, ODS, DOCX, XLSX), the archive is read from its central directory
  only (``file_archive``): a bounded number of members, each member's declared size and the
  total within bounds, a bounded compression ratio, no encrypted member, no absolute or ``..``
  member name, only stored or deflated members; then at most a few kilobytes of ``mimetype`` or
  ``[Content_Types].xml`` are inflated to tell the kind. No member is ever inflated whole, so a
  zip bomb costs a few kilobytes of memory and no time.
"""

import codecs
import hashlib
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from tierslieux.core.text import strip_invisible

# --- kinds ---------------------------------------------------------------------------------

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/json",
    "geojson": "application/geo+json",
}
ZIP_KINDS = frozenset({"odt", "ods", "docx", "xlsx"})
TEXT_KINDS = frozenset({"csv", "json", "geojson"})

# The ``mimetype`` member of OpenDocument files (stored first, uncompressed, a few bytes).
OPENDOCUMENT_MIMETYPES: dict[bytes, str] = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# The main part of an Office Open XML package, as declared in ``[Content_Types].xml``. A
# macro-enabled document (``…macroEnabled.main+xml``) renamed ``.docx`` does not match.
OOXML_MAIN_PARTS: tuple[tuple[str, bytes, str], ...] = (
    (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "docx",
    ),
    (
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xlsx",
    ),
)
MIMETYPE_READ_BYTES = 256
CONTENT_TYPES_READ_BYTES = 64 * 1024
TEXT_HEAD_BYTES = 8192
HASH_CHUNK_BYTES = 64 * 1024

# Magic numbers of binary formats a text upload must not start with.
BINARY_MAGICS: tuple[bytes, ...] = (
    b"PK\x03\x04",
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"MZ",
    b"\x7fELF",
    b"\xd0\xcf\x11\xe0",  # OLE2: .xls, .doc
    b"\x1f\x8b",  # gzip
)


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on a ZIP-based upload, read from its central directory (declared values)."""

    max_members: int = 1000
    max_member_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 50 * 1024 * 1024
    max_ratio: int = 100
    ratio_floor_bytes: int = 1024 * 1024
    """Members (and totals) smaller than this are not held to the ratio (tiny XML parts
    compress very well)."""
    max_central_directory_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class UploadPolicy:
    """What one upload field accepts: ``extensions`` maps an extension (no dot, lower case) to
    the kind its content must have; ``max_bytes`` bounds the size."""

    extensions: Mapping[str, str]
    max_bytes: int
    zip_limits: ZipLimits = field(default_factory=ZipLimits)

    @property
    def accepted_label(self) -> str:
        return ", ".join(dict.fromkeys(ext.upper() for ext in self.extensions))


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed ``check_upload``: what a service may store as it is."""

    file: Any
    """The uploaded file (``django.core.files.File``-like), rewound."""
    name: str
    """The name to show: base name only, control and bidirectional characters removed."""
    extension: str
    kind: str
    content_type: str
    size: int
    sha256: str


# --- names ---------------------------------------------------------------------------------


def clean_filename(name: str, *, max_length: int = 200) -> str:
    """A file name safe to store and show: the base name only (no folder, ``/`` or ``\\``),
    without invisible or bidirectional characters, no leading dot, at most ``max_length``
    characters with the extension kept. Never empty."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = strip_invisible(base).lstrip(". ")
    if not base:
        return "file"
    if len(base) > max_length:
        suffix = PurePosixPath(base).suffix[:16]
        base = base[: max_length - len(suffix)].rstrip() + suffix
    return base


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


# --- content -------------------------------------------------------------------------------


def _archive_error(message: str) -> ValidationError:
    return ValidationError(message, code="file_archive")


def _check_end_of_central_directory(stream: IO[bytes], limits: ZipLimits) -> None:
    """Read the end record (last 64 KiB at most) before ``zipfile`` loads the directory."""
    stream.seek(0, 2)
    end = stream.tell()
    tail_length = min(end, 22 + 0xFFFF)
    stream.seek(end - tail_length)
    tail = stream.read(tail_length)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < 22:
        raise _archive_error(_("The file is not a readable archive."))
    _sig, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, _comment = struct.unpack(
        "<4sHHHHIIH", tail[position : position + 22]
    )
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        raise _archive_error(_("Archives in ZIP64 format are not accepted."))
    if disk or cd_disk or disk_entries != entries:
        raise _archive_error(_("Archives split over several files are not accepted."))
    if entries > limits.max_members or cd_size > limits.max_central_directory_bytes:
        raise _archive_error(
            _("The archive holds too many files (at most %(count)s).")
            % {"count": limits.max_members}
        )


def _unsafe_member_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in name.split("/")


def _check_members(members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Every bound on the declared members; nothing is inflated here."""
    if len(members) > limits.max_members:
        raise _archive_error(
            _("The archive holds too many files (at most %(count)s).")
            % {"count": limits.max_members}
        )
    megabytes = f"{limits.max_total_bytes / 1_048_576:g}"
    too_big = _(
        "Once uncompressed, the document would take more than %(limit)s MB: it is refused."
    ) % {"limit": megabytes}
    too_dense = _(
        "The document is compressed more than %(ratio)s times: it looks like a compression "
        "bomb and is refused."
    ) % {"ratio": limits.max_ratio}
    total = compressed = 0
    for info in members:
        if _unsafe_member_name(info.filename):
            raise _archive_error(
                _("The archive holds a file with an unsafe name: “%(name)s”.")
                % {"name": strip_invisible(info.filename)[:100]}
            )
        if info.flag_bits & 0x1:
            raise _archive_error(_("Encrypted documents are not accepted."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _archive_error(_("The archive uses a compression method that is not accepted."))
        if info.file_size > limits.max_member_bytes:
            raise _archive_error(too_big)
        total += info.file_size
        compressed += info.compress_size
        if total > limits.max_total_bytes:
            raise _archive_error(too_big)
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _archive_error(too_dense)
    if total > limits.ratio_floor_bytes and total > limits.max_ratio * max(compressed, 1):
        raise _archive_error(too_dense)


def _read_member_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    """At most ``size`` bytes of a member (``read(n)`` inflates no more than it returns)."""
    with archive.open(info) as member:
        return member.read(size)


def zip_kind(stream: IO[bytes], limits: ZipLimits | None = None) -> str:
    """The kind of a ZIP-based document (odt, ods, docx, xlsx), or ``"zip"`` for another
    archive; ``ValidationError`` (code ``file_archive``) when a bound is passed."""
    limits = limits or ZipLimits()
    _check_end_of_central_directory(stream, limits)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            by_name = {info.filename: info for info in members}
            mimetype = by_name.get("mimetype")
            if mimetype is not None and mimetype.file_size <= MIMETYPE_READ_BYTES:
                head = _read_member_head(archive, mimetype, MIMETYPE_READ_BYTES).strip()
                if head in OPENDOCUMENT_MIMETYPES:
                    return OPENDOCUMENT_MIMETYPES[head]
            content_types = by_name.get("[Content_Types].xml")
            if content_types is not None:
                head = _read_member_head(archive, content_types, CONTENT_TYPES_READ_BYTES)
                for part, main_type, kind in OOXML_MAIN_PARTS:
                    if part in by_name and main_type in head:
                        return kind
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ):
        raise _archive_error(_("The file is not a readable archive.")) from None
    finally:
        stream.seek(0)
    return "zip"


def _text_kind(head: bytes, extension: str) -> str | None:
    if head.startswith(BINARY_MAGICS) or b"\x00" in head:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = decoder.decode(head, final=False).lstrip("\ufeff \t\r\n")
    if extension in ("json", "geojson") and text and text[0] not in "{[":
        return None
    return extension


def sniff_kind(stream: IO[bytes], *, expected: str, limits: ZipLimits | None = None) -> str | None:
    """The kind of a file by its content, told for ``expected``'s family; ``None`` when the
    first bytes match no known kind."""
    stream.seek(0)
    head = stream.read(TEXT_HEAD_BYTES)
    stream.seek(0)
    if expected in TEXT_KINDS:
        return _text_kind(head, expected)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return zip_kind(stream, limits)
    return None


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(HASH_CHUNK_BYTES):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def check_upload(upload: Any, *, policy: UploadPolicy) -> CheckedUpload:
    """Check an uploaded file against ``policy``; ``ValidationError`` with a clear message and
    a ``code`` (file_type, file_size, file_empty, file_content, file_archive) when refused.

    ``upload`` is a Django ``UploadedFile`` (or any ``File`` with ``name`` and ``size``). Reads
    the file once to hash it and a few kilobytes to tell its kind; call it outside any
    transaction."""
    name = clean_filename(getattr(upload, "name", "") or "")
    extension = extension_of(name)
    if extension not in policy.extensions:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.")
            % {"types": policy.accepted_label},
            code="file_type",
        )
    size = int(upload.size or 0)
    if size > policy.max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{policy.max_bytes / 1_048_576:g}"},
            code="file_size",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    expected = policy.extensions[extension]
    kind = sniff_kind(upload, expected=expected, limits=policy.zip_limits)
    if kind != expected:
        raise ValidationError(
            _("The content of the file does not match its extension (.%(ext)s).")
            % {"ext": extension},
            code="file_content",
        )
    return CheckedUpload(
        file=upload,
        name=name,
        extension=extension,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=size,
        sha256=_sha256(upload),
    )


# --- the request ----------------------------------------------------------------------------

DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024


def max_request_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))


class BoundedUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: stop reading a multipart request beyond
    ``UPLOAD_MAX_REQUEST_BYTES`` (by its declared length, and by the bytes of files really
    received, for a request that lies or streams), with a 400 answer, before the following
    handlers write it to a temporary file. Django bounds the other fields itself
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = max_request_bytes()
        self.received = 0

    def _too_big(self) -> RequestDataTooBig:
        return RequestDataTooBig(
            f"Upload larger than UPLOAD_MAX_REQUEST_BYTES ({self.limit} bytes)."
        )

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length and content_length > self.limit:
            raise self._too_big()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise self._too_big()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
