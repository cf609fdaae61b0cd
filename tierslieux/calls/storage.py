"""Attachments of applications: stored outside the web root, checked by their content.

Files go to ``settings.VAR_DIR / "private-media"`` (never under ``MEDIA_ROOT`` or
``STATIC_ROOT``, and the storage has no base URL): a page serves them only after
``selectors.attachment_get`` has said the user may read them. A file is accepted when its
extension is allowed, its size is within the limit and its first bytes match the extension
(PDF, ODT, DOCX, PNG, JPEG); the name the user gave is kept for display only.
"""

import os
import uuid
import zipfile
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# Extension -> content type served.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def private_media_root() -> Path:
    return Path(settings.VAR_DIR) / "private-media"


def max_bytes() -> int:
    return int(getattr(settings, "CALLS_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


class PrivateStorage(FileSystemStorage):
    """File-system storage under the private media root, with no public URL."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    # Read from the settings at each use (not frozen when the model class is built), so that a
    # changed ``VAR_DIR`` (tests, deployments) is honoured.
    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(private_media_root())

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:  # pragma: no cover - defensive
        raise NotImplementedError("private files have no URL: serve them through a view")


def private_storage() -> PrivateStorage:
    """The storage of attachments (a callable, so migrations do not freeze the path)."""
    return PrivateStorage()


def attachment_upload_to(instance: object, filename: str) -> str:
    """``calls/<application id>/<random>.<ext>``: the user's file name never reaches the disk."""
    ext = Path(filename).suffix.lower().lstrip(".")
    application_id = getattr(instance, "application_id", None) or "unassigned"
    return f"calls/{application_id}/{uuid.uuid4().hex}.{ext}"


def _zip_kind(stream: IO[bytes]) -> str | None:
    """``"odt"`` or ``"docx"`` for an OpenDocument text or a Word document, else ``None``."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def sniff_kind(stream: IO[bytes]) -> str | None:
    """The kind of a file by its content: pdf, odt, docx, png, jpeg, or ``None``."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
    stream.seek(0)
    return kind


def validate_upload(name: str, size: int, stream: IO[bytes]) -> str:
    """Check an uploaded file; return its content type or raise ``ValidationError``."""
    ext = Path(name).suffix.lower().lstrip(".")
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.")
            % {"types": "PDF, ODT, DOCX, PNG, JPEG"},
            code="file_type",
        )
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:g}"},
            code="file_size",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    kind = sniff_kind(stream)
    expected = "jpeg" if ext == "jpg" else ext
    if kind != expected:
        raise ValidationError(
            _("The content of the file does not match its extension (.%(ext)s).") % {"ext": ext},
            code="file_content",
        )
    return ALLOWED_TYPES[ext]
