"""Back up and restore the database and the attachments in one archive (ADR 0015).

An archive is a ``.tar.gz`` holding ``manifest.json``, the database (``database.sqlite3``, an
online-safe copy made with SQLite's backup API, or ``database.pgdump``, ``pg_dump``'s custom
format) and ``media/`` (``MEDIA_ROOT``: private attachments of calls, generated documents and
reports). The manifest gives the date, the engine, the Django migrations applied and the
SHA-256 of every file. ``backup_restore`` refuses an archive whose files do not match their
checksums, that holds anything not in its manifest, or that was made on another engine, and
refuses to overwrite a database that has tables (or a non-empty ``MEDIA_ROOT``) unless forced.
"""

import datetime
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tierslieux.core import clock

FORMAT = 1
MANIFEST = "manifest.json"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
CHUNK = 1024 * 1024

logger = logging.getLogger(__name__)


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    archive: Path
    engine: str
    files: int
    media_replaced_to: Path | None
    migrations_missing_in_code: list[str]
    migrations_to_apply: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_FILES:
        raise BackupError(f"unsupported database engine: {vendor}")
    return vendor


def _applied_migrations(alias: str) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _pg_tool(name: str) -> str:
    folder = settings.PG_BIN
    return str(Path(folder) / name) if folder else name


def _pg_args_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from the settings."""
    db = connections[alias].settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} not found (set PG_BIN): {error}") from error
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[:2000]}")


def _database_dump(alias: str, engine: str, target: Path) -> None:
    if engine == "sqlite":
        source = connections[alias]
        source.ensure_connection()
        with sqlite3.connect(target) as copy:
            # The backup API copies a consistent snapshot while other processes keep writing.
            source.connection.backup(copy)
        copy.close()
        return
    args, env = _pg_args_env(alias)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args], env)


def backup_create(
    *, out_dir: Path, alias: str = "default", now: datetime.datetime | None = None
) -> Path:
    """Write one archive of the database and ``MEDIA_ROOT`` into ``out_dir``; its path."""
    moment = now or clock.now()
    engine = _engine(alias)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = out_dir / f"tierslieux-{engine}-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as staging_name:
        staging = Path(staging_name)
        files: dict[str, str] = {}
        db_name = DB_FILES[engine]
        _database_dump(alias, engine, staging / db_name)
        files[db_name] = _sha256(staging / db_name)
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir():
            for source in sorted(p for p in media_root.rglob("*") if p.is_file()):
                relative = source.relative_to(media_root).as_posix()
                copy = staging / MEDIA / relative
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)  # a stable copy: the checksum matches what is stored
                files[f"{MEDIA}/{relative}"] = _sha256(copy)
        manifest = {
            "format": FORMAT,
            "created_at": moment.isoformat(),
            "engine": engine,
            "django": django.get_version(),
            "migrations": _applied_migrations(alias),
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(staging / MANIFEST, arcname=MANIFEST)
            for name in files:
                tar.add(staging / name, arcname=name)
        partial.replace(archive)
    logger.info("backup written: %s (%s files)", archive.name, len(files))
    return archive


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise BackupError(f"refused: unsafe path in the archive: {member.name!r}")
        if member.isdir():
            continue
        if not member.isfile():
            raise BackupError(f"refused: not a regular file in the archive: {member.name!r}")
        members.append(member)
    return members


def backup_extract(archive: Path, into: Path) -> dict[str, Any]:
    """Unpack ``archive`` into ``into`` and check it against its manifest; the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = _safe_members(tar)
            tar.extractall(into, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"refused: not a readable backup archive: {error}") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        files: dict[str, str] = manifest["files"]
        engine = manifest["engine"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"refused: missing or unreadable manifest: {error}") from error
    if manifest.get("format") != FORMAT or engine not in DB_FILES:
        raise BackupError("refused: unknown archive format or engine")
    present = {m.name for m in members} - {MANIFEST}
    if present != set(files):
        extra = sorted(present - set(files))[:5]
        missing = sorted(set(files) - present)[:5]
        raise BackupError(
            f"refused: archive and manifest differ (extra {extra}, missing {missing})"
        )
    if DB_FILES[engine] not in files:
        raise BackupError("refused: the archive holds no database")
    for name, expected in files.items():
        if _sha256(into / name) != expected:
            raise BackupError(f"refused: checksum mismatch for {name}")
    return manifest


def _database_has_tables(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        return bool(connections[alias].introspection.table_names(cursor))


def _database_load(alias: str, engine: str, dump: Path) -> None:
    connection = connections[alias]
    if engine == "sqlite":
        connection.close()
        target = connection.settings_dict["NAME"]
        with sqlite3.connect(dump) as source, sqlite3.connect(target) as destination:
            source.backup(destination)
        source.close()
        destination.close()
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    args, env = _pg_args_env(alias)
    restore = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    _run([*restore, *args, str(dump)], env)


def backup_restore(
    *,
    archive: Path,
    force: bool = False,
    alias: str = "default",
    now: datetime.datetime | None = None,
) -> RestoreReport:
    """Restore the database and ``MEDIA_ROOT`` from ``archive`` (see the module docstring).

    With ``force``, an existing database is replaced and the current ``MEDIA_ROOT`` is kept
    aside, renamed ``<media>.replaced-<date>``, never deleted.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"no such archive: {archive}")
    engine = _engine(alias)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work_name:
        work = Path(work_name)
        manifest = backup_extract(archive, work)
        if manifest["engine"] != engine:
            raise BackupError(
                f"refused: the archive is a {manifest['engine']} backup, this database is {engine}"
            )
        media_in_use = media_root.is_dir() and any(media_root.iterdir())
        if not force and _database_has_tables(alias):
            raise BackupError("refused: the database is not empty (use --force to replace it)")
        if not force and media_in_use:
            raise BackupError(f"refused: {media_root} is not empty (use --force to replace it)")
        _database_load(alias, engine, work / DB_FILES[engine])
        replaced_to = None
        if media_in_use:
            stamp = (now or clock.now()).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            replaced_to = media_root.with_name(f"{media_root.name}.replaced-{stamp}")
            media_root.rename(replaced_to)
        elif media_root.exists():
            media_root.rmdir()
        restored_media = work / MEDIA
        if restored_media.is_dir():
            restored_media.rename(media_root)
        else:
            media_root.mkdir()
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    in_archive = set(manifest["migrations"])
    logger.info(
        "backup restored: %s (%s files, %s database)", archive.name, len(manifest["files"]), engine
    )
    return RestoreReport(
        archive=archive,
        engine=engine,
        files=len(manifest["files"]),
        media_replaced_to=replaced_to,
        migrations_missing_in_code=sorted(in_archive - known),
        migrations_to_apply=len(known - in_archive),
    )
