"""Background task of the directory: a file import run outside the web request."""

import logging
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from tierslieux.core.tasks import tracked
from tierslieux.places import services

logger = logging.getLogger(__name__)

IMPORT_LABEL = "Directory import"
"""Label of the progress rows of imports (how the import page recognises them)."""


@task()
def places_import_run(
    *,
    progress_id: int,
    upload: str,
    source: str,
    user_id: int,
    dry_run: bool,
    publish: bool,
    file_name: str,
    language: str = "fr",
) -> None:
    """Run ``places_import`` on an uploaded file stored by ``import_upload_store``.

    The result kept with the progress row is the report, or the bad rows when the file was
    refused (the task itself then succeeded: it did its job, which was to say no). The stored
    file is deleted in every case.
    """
    path = services.import_upload_path(upload)
    with tracked(progress_id) as (report, outcome), translation.override(language):
        try:
            user = get_user_model().objects.get(pk=user_id)
            data = path.read_bytes()
            try:
                result = services.places_import(
                    source=source,
                    data=data,
                    by=user,
                    dry_run=dry_run,
                    publish=publish,
                    progress=report,
                )
            except services.ImportRejected as exc:
                outcome.result = {
                    "status": "rejected",
                    "file_name": file_name,
                    "errors": [{"line": e.line, "reason": e.reason} for e in exc.errors],
                }
                report(1.0, _("Refused: nothing was imported"))
                return
            outcome.result = {"status": "done", "file_name": file_name, **result.as_dict()}
        finally:
            Path(path).unlink(missing_ok=True)
    logger.info("Directory import of %s by user %s finished", file_name, user_id)


def result_context(result: dict[str, Any] | None) -> dict[str, Any]:
    """What the import page shows of a finished import's stored result."""
    if not result:
        return {}
    if result.get("status") == "rejected":
        return {"errors": result["errors"], "file_name": result.get("file_name", "")}
    return {"report": result, "file_name": result.get("file_name", "")}
