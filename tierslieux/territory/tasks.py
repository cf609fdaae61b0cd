"""Background tasks of the territory app."""

from dataclasses import asdict

from django_tasks import task

from tierslieux.core.tasks import tracked
from tierslieux.territory import selectors


@task()
def departement_summary(*, progress_id: int) -> None:
    """Compute the per-département table of the territory, reporting progress."""
    with tracked(progress_id) as (report, outcome):
        report(0.1, "Reading communes")
        rows = selectors.departement_table()
        report(0.9, "Summing up")
        outcome.result = {"departements": [asdict(row) for row in rows]}
