"""Backups (ADR 0015): one archive with the database, MEDIA_ROOT and a checked manifest.

The round trips run the real commands in subprocesses against a database of their own (a
SQLite file, or a new database on the PostgreSQL server given by DATABASE_URL), because
restoring replaces the whole database, which the test database cannot afford.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tierslieux.core.backup import BackupError, backup_extract, backup_restore

ROOT = Path(__file__).resolve().parents[2]


def _archive(path: Path, files: dict[str, bytes], manifest_files=None, engine="sqlite", **extra):
    sums = {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
    manifest = {
        "format": 1,
        "created_at": "2026-03-02T10:00:00+00:00",
        "engine": engine,
        "django": "5.2",
        "migrations": [],
        "files": manifest_files if manifest_files is not None else sums,
        **extra,
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, fileobj=io.BytesIO(data))
    return path


DB = {"database.sqlite3": b"SQLite format 3\x00", "media/calls/a.pdf": b"%PDF-1.7"}


def test_a_sound_archive_is_accepted(tmp_path):
    manifest = backup_extract(_archive(tmp_path / "ok.tar.gz", DB), tmp_path / "out")
    assert manifest["engine"] == "sqlite"
    assert (tmp_path / "out/media/calls/a.pdf").read_bytes() == b"%PDF-1.7"


def test_a_file_that_does_not_match_its_checksum_is_refused(tmp_path):
    sums = {n: hashlib.sha256(b).hexdigest() for n, b in DB.items()}
    sums["media/calls/a.pdf"] = hashlib.sha256(b"something else").hexdigest()
    archive = _archive(tmp_path / "bad.tar.gz", DB, manifest_files=sums)
    with pytest.raises(BackupError, match=r"checksum mismatch for media/calls/a\.pdf"):
        backup_extract(archive, tmp_path / "out")


def test_a_file_missing_from_the_manifest_is_refused(tmp_path):
    sums = {"database.sqlite3": hashlib.sha256(DB["database.sqlite3"]).hexdigest()}
    archive = _archive(tmp_path / "extra.tar.gz", DB, manifest_files=sums)
    with pytest.raises(BackupError, match="archive and manifest differ"):
        backup_extract(archive, tmp_path / "out")


def test_paths_leaving_the_folder_are_refused(tmp_path):
    archive = _archive(tmp_path / "evil.tar.gz", {**DB, "../escape.txt": b"x"})
    with pytest.raises(BackupError, match="unsafe path"):
        backup_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_something_that_is_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="not a readable backup archive"):
        backup_extract(junk, tmp_path / "out")


def test_an_archive_of_another_engine_is_refused(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    files = {"database.pgdump" if other == "postgresql" else "database.sqlite3": b"x"}
    archive = _archive(tmp_path / "other.tar.gz", files, engine=other)
    with pytest.raises(BackupError, match=f"the archive is a {other} backup"):
        backup_restore(archive=archive)


# Round trips through the commands, each against a database of its own.


def _manage(env, *args, check=True):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


SHOW = (
    "from tierslieux.core.models import TaskProgress as T; "
    "print(sorted(T.objects.values_list('label', flat=True)))"
)


def _round_trip(tmp_path, env):
    """Records and an attachment come back; a non-empty database needs --force."""
    media = tmp_path / "var" / "media"
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(
        env,
        "shell",
        "-c",
        "from tierslieux.core.models import TaskProgress as T; T.objects.create(label='kept')",
    )
    attachment = media / "calls" / "attachments" / "1" / "budget.pdf"
    attachment.parent.mkdir(parents=True)
    attachment.write_bytes(b"%PDF-1.7 private budget")

    archive = Path(_manage(env, "backup", "--out", str(tmp_path / "backups")).stdout.strip())
    assert archive.is_file()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "core.0001_initial" in manifest["migrations"]
    assert "media/calls/attachments/1/budget.pdf" in manifest["files"]

    # Life goes on after the backup: a record added, one deleted, the attachment lost.
    _manage(
        env,
        "shell",
        "-c",
        "from tierslieux.core.models import TaskProgress as T; "
        "T.objects.filter(label='kept').delete(); T.objects.create(label='later')",
    )
    attachment.unlink()
    (media / "new.txt").write_text("after the backup")

    refused = _manage(env, "restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "database is not empty" in refused.stderr
    assert "['later']" in _manage(env, "shell", "-c", SHOW).stdout

    done = _manage(env, "restore", str(archive), "--force")
    assert "Restored" in done.stdout
    assert "['kept']" in _manage(env, "shell", "-c", SHOW).stdout
    assert attachment.read_bytes() == b"%PDF-1.7 private budget"
    assert not (media / "new.txt").exists()
    kept_aside = list((tmp_path / "var").glob("media.replaced-*"))
    assert len(kept_aside) == 1 and (kept_aside[0] / "new.txt").exists()
    return manifest


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "TIERSLIEUX_VAR_DIR": str(tmp_path / "var"), "DJANGO_DEBUG": "true", **extra}


@pytest.mark.slow  # eight manage.py processes; own SQLite file
def test_sqlite_backup_and_restore_round_trip(tmp_path):
    manifest = _round_trip(tmp_path, _env(tmp_path))
    assert manifest["engine"] == "sqlite"
    assert "database.sqlite3" in manifest["files"]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL only: run with scripts/with_postgres.sh",
)
def test_postgresql_backup_and_restore_round_trip(tmp_path):
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"backup_{uuid.uuid4().hex[:12]}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        manifest = _round_trip(tmp_path, _env(tmp_path, DATABASE_URL=f"{server}/{name}"))
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert manifest["engine"] == "postgresql"
    assert "database.pgdump" in manifest["files"]
