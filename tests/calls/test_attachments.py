"""Attachments: type and size checked by content, stored outside the web root, served to
those allowed."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, holder_user
from tierslieux.calls import selectors, services
from tierslieux.calls.storage import attachment_policy
from tierslieux.core.uploads import check_upload

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
CONTENT_TYPES = (
    b'<Types><Override PartName="/word/document.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override '
    b'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
DOCX = _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})


def validate_upload(name: str, data: bytes) -> str:
    return check_upload(SimpleUploadedFile(name, data), policy=attachment_policy()).content_type


def checked(name: str, data: bytes):
    return check_upload(SimpleUploadedFile(name, data), policy=attachment_policy())


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("budget.pdf", PDF, "application/pdf"),
        ("Plan.PDF", PDF, "application/pdf"),
        ("statuts.odt", ODT, "application/vnd.oasis.opendocument.text"),
        (
            "statuts.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
    ],
)
def test_accepted_files(name, data, content_type):
    assert validate_upload(name, data) == content_type


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("script.exe", b"MZ\x90\x00", "file_type"),
        ("tableur.xlsx", XLSX, "file_type"),
        ("page.html", b"<html>", "file_type"),
        ("faux.pdf", b"MZ\x90\x00 not a pdf", "file_content"),
        ("faux.docx", XLSX, "file_content"),
        ("faux.odt", DOCX, "file_content"),
        ("image.png", JPEG, "file_content"),
        ("vide.pdf", b"", "file_empty"),
    ],
)
def test_refused_files(name, data, code):
    with pytest.raises(ValidationError) as error:
        validate_upload(name, data)
    assert error.value.code == code


def test_size_limit(settings):
    settings.CALLS_ATTACHMENT_MAX_BYTES = 100
    data = PDF + b"0" * 100
    with pytest.raises(ValidationError) as error:
        validate_upload("gros.pdf", data)
    assert error.value.code == "file_size"


def test_default_limit_is_10_mb():
    data = PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        validate_upload("gros.pdf", data)
    assert error.value.code == "file_size"


@pytest.mark.django_db
def test_attachment_stored_outside_the_web_root_and_served_to_those_allowed():
    application = ApplicationFactory()
    holder = holder_user(application.organisation)
    upload = checked("../../etc/Budget\u202e prévisionnel.pdf", PDF)
    attachment = services.attachment_add(
        application=application, upload=upload, label="Budget", by=holder
    )
    path = Path(attachment.file.path).resolve()
    private = (Path(settings.VAR_DIR) / "private-media").resolve()
    assert private in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    assert Path(settings.STATIC_ROOT).resolve() not in path.parents
    assert path.read_bytes() == PDF
    assert attachment.original_name == "Budget prévisionnel.pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert ".." not in attachment.file.name
    assert selectors.attachment_get(user=holder, pk=attachment.pk) == attachment
    assert selectors.attachment_get(user=holder_user(), pk=attachment.pk) is None
    # Instructors read it once the application is submitted, not while it is a draft.
    instructor = UserFactory(instructor=True)
    assert selectors.attachment_get(user=instructor, pk=attachment.pk) is None
    services.application_submit(application=application, by=holder)
    assert selectors.attachment_get(user=instructor, pk=attachment.pk) == attachment


@pytest.mark.django_db
def test_wrong_attachment_is_not_stored():
    application = ApplicationFactory()
    holder = holder_user(application.organisation)
    with pytest.raises(ValidationError):
        checked("virus.pdf", b"MZ\x90\x00 executable")
    with pytest.raises(ValidationError):
        services.attachment_add(
            application=ApplicationFactory(submitted=True, organisation=application.organisation),
            upload=checked("ok.pdf", PDF),
            by=holder,
        )
    assert not application.attachments.exists()
    private = Path(settings.VAR_DIR) / "private-media"
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


@pytest.mark.django_db
def test_attachment_delete(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    holder = holder_user(application.organisation)
    attachment = services.attachment_add(
        application=application, upload=checked("a.png", PNG), by=holder
    )
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(attachment=attachment, by=holder)
    assert not path.exists()
