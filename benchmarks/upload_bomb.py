"""Zip-bomb uploads: time and peak memory of the upload check, old versus new, in one run.

The old check (``calls/storage.py:_zip_kind`` before the fix, copied below) read the whole
``mimetype`` member; the new one (``tierslieux.core.uploads.check_upload``) reads the central
directory and at most 256 bytes of it. Each bomb is a member of zeros deflated while written.
The old check runs on a smaller bomb only (``--old-mib``), since it inflates everything.

    uv run python benchmarks/upload_bomb.py [--mib 4096] [--old-mib 256]
"""

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import TemporaryUploadedFile  # noqa: E402

from tierslieux.calls.storage import attachment_policy  # noqa: E402
from tierslieux.core.uploads import check_upload  # noqa: E402

MIB = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def old_zip_kind(stream):
    """The check before the fix, verbatim."""
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


def bomb(path: Path, mib: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        zeros = bytes(MIB)
        with archive.open("mimetype", "w", force_zip64=mib >= 2048) as handle:
            for _ in range(mib):
                handle.write(zeros)
    return path


def measure(function) -> dict:
    tracemalloc.start()
    start = time.perf_counter()
    outcome = function()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(seconds, 4), "peak_mib": round(peak / MIB, 2), "outcome": outcome}


def new_check(path: Path) -> str:
    data = path.read_bytes()
    upload = TemporaryUploadedFile("statuts.odt", "application/octet-stream", len(data), None)
    upload.write(data)
    upload.seek(0)
    try:
        check_upload(upload, policy=attachment_policy())
    except ValidationError as exc:
        return f"refused ({exc.code}): {exc.messages[0]}"
    finally:
        upload.close()
    return "accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=4096, help="inflated size of the big bomb")
    parser.add_argument("--old-mib", type=int, default=256, help="bomb given to the old check")
    parser.add_argument("--output", default="benchmarks/results/upload_bomb.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        big = bomb(Path(folder) / "big.odt", args.mib)
        small = bomb(Path(folder) / "small.odt", args.old_mib)
        results = {
            "big_bomb": {"inflated_mib": args.mib, "file_bytes": big.stat().st_size},
            "small_bomb": {"inflated_mib": args.old_mib, "file_bytes": small.stat().st_size},
            "new_check_big": measure(lambda: new_check(big)),
            "new_check_small": measure(lambda: new_check(small)),
            "old_check_small": measure(lambda: repr(old_zip_kind(small.open("rb")))),
        }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
