"""The one upload validator: kinds by content, and ZIP-based documents read without inflating.

The bombs are real: members of 1 GiB of zeros, deflated while written (about 1 MB on disk).
Refusing them must take bounded memory (``tracemalloc``), which is behaviour, not timing.
"""

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from tierslieux.core.text import strip_invisible
from tierslieux.core.uploads import (
    UploadPolicy,
    ZipLimits,
    check_upload,
    clean_filename,
)


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (their msgids); the French catalogue translates them."""
    from django.utils import translation

    with translation.override("en"):
        yield


ODT_MIME = b"application/vnd.oasis.opendocument.text"
DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCM_TYPES = DOCX_TYPES.replace(
    b"officedocument.wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
)
POLICY = UploadPolicy(
    extensions={"pdf": "pdf", "odt": "odt", "docx": "docx", "csv": "csv", "geojson": "geojson"},
    max_bytes=10 * 1024 * 1024,
)
GIB = 1024 * 1024 * 1024
MIB = 1024 * 1024
MEMORY_BOUND = 50 * MIB


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _bomb(path, member: str, *, before: dict[str, bytes] | None = None) -> bytes:
    """A zip whose ``member`` inflates to 1 GiB of zeros, written streaming (1 MiB at a time)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in (before or {}).items():
            archive.writestr(name, data)
        zeros = bytes(MIB)
        with archive.open(member, "w") as handle:
            for _ in range(GIB // MIB):
                handle.write(zeros)
    return path.read_bytes()


@pytest.fixture(scope="module")
def odt_bomb(tmp_path_factory):
    """The issue's attack: an ``.odt`` whose ``mimetype`` member inflates to 1 GiB."""
    return _bomb(tmp_path_factory.mktemp("bombs") / "bomb.odt", "mimetype")


@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory):
    """A well-formed DOCX whose ``word/document.xml`` inflates to 1 GiB."""
    return _bomb(
        tmp_path_factory.mktemp("bombs") / "bomb.docx",
        "word/document.xml",
        before={"[Content_Types].xml": DOCX_TYPES},
    )


def _upload(name: str, data: bytes):
    return SimpleUploadedFile(name, data)


def _refused(name: str, data: bytes, policy: UploadPolicy = POLICY) -> tuple[ValidationError, int]:
    """Check ``data``; return the error and the peak memory allocated meanwhile."""
    upload = _upload(name, data)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as error:
            check_upload(upload, policy=policy)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return error.value, peak


def test_the_bombs_are_small_files(odt_bomb, docx_bomb):
    assert len(odt_bomb) < 2 * MIB and len(docx_bomb) < 2 * MIB
    with zipfile.ZipFile(io.BytesIO(docx_bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == GIB


def test_odt_bomb_refused_with_bounded_memory(odt_bomb):
    error, peak = _refused("statuts.odt", odt_bomb)
    assert error.code == "file_archive"
    assert "MB" in error.messages[0]
    assert peak < MEMORY_BOUND


def test_docx_bomb_refused_with_bounded_memory(docx_bomb):
    error, peak = _refused("statuts.docx", docx_bomb)
    assert error.code == "file_archive"
    assert peak < MEMORY_BOUND


def test_bomb_with_lying_sizes_is_never_inflated(odt_bomb):
    """Central directory and local header say 39 bytes: the read stops at 256 bytes at most."""
    data = bytearray(odt_bomb)
    # Local header: sizes at offset 18 (compressed) and 22 (uncompressed); central directory
    # entry: at offset 20 and 24. Only the uncompressed size is rewritten.
    assert data[:4] == b"PK\x03\x04"
    struct.pack_into("<I", data, 22, len(ODT_MIME))
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, len(ODT_MIME))
    error, peak = _refused("statuts.odt", bytes(data))
    assert error.code in {"file_content", "file_archive"}
    assert peak < MEMORY_BOUND


def test_bomb_through_a_temporary_file_too(odt_bomb):
    """Large uploads reach the form as temporary files on disk: same result."""
    upload = TemporaryUploadedFile("statuts.odt", "application/octet-stream", len(odt_bomb), None)
    upload.write(odt_bomb)
    upload.seek(0)
    with pytest.raises(ValidationError) as error:
        check_upload(upload, policy=POLICY)
    assert error.value.code == "file_archive"
    upload.close()


def test_ratio_bound():
    """1.5 MiB of zeros deflates about 1000 times: refused as a bomb although small."""
    data = _zip({"mimetype": ODT_MIME, "content.xml": bytes(3 * MIB // 2)})
    error, _peak = _refused("statuts.odt", data)
    assert error.code == "file_archive"
    assert "bomb" in error.messages[0]


def test_total_bound_with_many_members():
    limits = ZipLimits(max_total_bytes=MIB, ratio_floor_bytes=10 * MIB)
    policy = UploadPolicy(extensions={"odt": "odt"}, max_bytes=MIB, zip_limits=limits)
    entries = {"mimetype": ODT_MIME, **{f"p{i}.xml": bytes(300 * 1024) for i in range(4)}}
    error, _peak = _refused("statuts.odt", _zip(entries), policy)
    assert error.code == "file_archive"


def test_member_count_bound():
    policy = UploadPolicy(extensions={"odt": "odt"}, max_bytes=MIB, zip_limits=ZipLimits(10))
    entries = {"mimetype": ODT_MIME, **{f"p{i}.xml": b"<x/>" for i in range(20)}}
    error, _peak = _refused("statuts.odt", _zip(entries), policy)
    assert error.code == "file_archive"
    assert "too many" in error.messages[0]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "C:/x.xml", "a\\..\\b"])
def test_member_names_with_traversal_refused(name):
    data = _zip({"mimetype": ODT_MIME, name: b"<x/>"})
    error, _peak = _refused("statuts.odt", data)
    assert error.code == "file_archive"
    assert "unsafe name" in error.messages[0]


def test_encrypted_member_refused():
    data = bytearray(_zip({"mimetype": ODT_MIME, "content.xml": b"<x/>"}))
    # Set the "encrypted" bit (general purpose flag, bit 0) in every central directory entry.
    start = 0
    while (central := data.find(b"PK\x01\x02", start)) >= 0:
        flags = struct.unpack_from("<H", data, central + 8)[0]
        struct.pack_into("<H", data, central + 8, flags | 0x1)
        start = central + 4
    error, _peak = _refused("statuts.odt", bytes(data))
    assert error.code == "file_archive"
    assert "Encrypted" in error.messages[0]


def test_macro_enabled_document_renamed_docx_refused():
    data = _zip({"[Content_Types].xml": DOCM_TYPES, "word/document.xml": b"<w:document/>"})
    error, _peak = _refused("statuts.docx", data)
    assert error.code == "file_content"


def test_damaged_archive_refused():
    data = _zip({"mimetype": ODT_MIME, "content.xml": b"<x/>"})[:-30]
    error, _peak = _refused("statuts.odt", data)
    assert error.code == "file_archive"


def test_accepted_documents_hashed_and_typed():
    import hashlib

    odt = _zip({"mimetype": ODT_MIME, "content.xml": b"<office:document/>"})
    docx = _zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>"})
    for name, data, kind in (("a.odt", odt, "odt"), ("b.docx", docx, "docx")):
        checked = check_upload(_upload(name, data), policy=POLICY)
        assert checked.kind == kind
        assert checked.sha256 == hashlib.sha256(data).hexdigest()
        assert checked.file.tell() == 0


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("lieux.csv", b"ID,NOM\n1,Lieu\n", None),
        ("lieux.csv", b"\xef\xbb\xbfID;NOM\n", None),
        ("lieux.csv", b"PK\x03\x04 a zip renamed", "file_content"),
        ("lieux.csv", b"ID\x00NOM", "file_content"),
        ("lieux.geojson", b'  {"type": "FeatureCollection"}', None),
        ("lieux.geojson", b"ID,NOM\n", "file_content"),
        ("lieux.exe", b"MZ", "file_type"),
    ],
)
def test_text_kinds(name, data, code):
    if code is None:
        assert check_upload(_upload(name, data), policy=POLICY).kind == name.rsplit(".")[-1]
    else:
        error, _peak = _refused(name, data)
        assert error.code == code


def test_right_to_left_override_does_not_hide_the_extension():
    # Shown as "facturexe.pdf" by a bidi-aware display; really an .exe.
    error, _peak = _refused("facture\u202efdp.exe", b"MZ\x90\x00")
    assert error.code == "file_type"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("facture\u202efdp.pdf", "facturefdp.pdf"),
        ("../../etc/Budget prévisionnel.pdf", "Budget prévisionnel.pdf"),
        ("C:\\Users\\me\\Statuts.pdf", "Statuts.pdf"),
        ("a\u200bb\u2066c\u2069\x00\x1b.pdf", "abc.pdf"),
        ("..pdf", "pdf"),
        ("\u202e", "file"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
        ("plan\n\tétage.pdf", "plan étage.pdf"),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_strip_invisible_keeps_letters_and_accents():
    assert strip_invisible("Café\u202e des\u200f  Landes") == "Café des Landes"


# --- the request bound -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_request_beyond_the_bound_is_refused_before_it_is_stored(client, settings):
    from django.urls import reverse

    from tests.accounts.factories import UserFactory
    from tierslieux.places.models import Place

    settings.UPLOAD_MAX_REQUEST_BYTES = 64 * 1024
    client.force_login(UserFactory(network=True))
    response = client.post(
        reverse("places:place_import"),
        {"format": "cget_2019", "file": _upload("lieux.csv", b"x" * (100 * 1024))},
    )
    assert response.status_code == 400
    assert not Place.objects.exists()


def test_the_bound_counts_the_bytes_really_received(settings):
    from django.core.exceptions import RequestDataTooBig

    from tierslieux.core.uploads import BoundedUploadHandler

    settings.UPLOAD_MAX_REQUEST_BYTES = 1000
    handler = BoundedUploadHandler()
    handler.handle_raw_input(None, {}, 0, b"--x")  # no declared length (streamed request)
    assert handler.receive_data_chunk(b"a" * 600, 0) == b"a" * 600
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"a" * 600, 600)
