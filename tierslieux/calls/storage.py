"""Attachments of applications: stored outside the web root, checked by their content.

Files go to ``settings.VAR_DIR / "private-media"`` (never under ``MEDIA_ROOT`` or
``STATIC_ROOT``, and the storage has no base URL): a page serves them only after
``selectors.attachment_get`` has said the user may read them. A file is accepted when its
extension is allowed, its size is within the limit and its content matches the extension
(PDF, ODT, DOCX, PNG, JPEG), as ``tierslieux.core.uploads.check_upload`` says with
``attachment_policy()``; the name the user gave, cleaned, is kept for display only.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from tierslieux.core.uploads import UploadPolicy

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Extension -> the kind its content must have (see ``tierslieux.core.uploads``).
ATTACHMENT_EXTENSIONS: dict[str, str] = {
    "pdf": "pdf",
    "odt": "odt",
    "docx": "docx",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
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


def attachment_policy() -> UploadPolicy:
    """What an application accepts as attachment (the size limit read at each use)."""
    return UploadPolicy(extensions=ATTACHMENT_EXTENSIONS, max_bytes=max_bytes())
