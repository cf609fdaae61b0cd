"""The open data page (/donnees/), the SCDL file, the XLSX copies and the schemas."""

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from tierslieux.agreements import scdl
from tierslieux.api.opendata.registry import DATASETS, SCHEMAS, dataset_get
from tierslieux.core.exports import spreadsheet_safe_row, workbook_text_only
from tierslieux.core.permissions import permission_required
from tierslieux.core.region_choice import PARAM, is_multi_region, region_choice_checked

SCDL_FILENAME = "subventions-scdl.csv"
DIRECTORY_FILES = frozenset({"places:opendata_csv", "places:opendata_geojson"})
"""The downloads that take the directory's filters (``?region=`` among them)."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    """Every dataset with its licence, update date, schema and downloads; the directory's
    files hold the places of the region chosen (``?region=``, ADR 0030)."""
    choice, _error = region_choice_checked(request.GET)
    directory_query = f"?{PARAM}={choice.value}" if is_multi_region() else ""
    datasets: list[dict[str, Any]] = []
    for dataset in DATASETS:
        datasets.append(
            {
                "dataset": dataset,
                "updated_on": dataset.updated_on(),
                "schema_url": (
                    reverse("opendata:schema", args=[dataset.schema]) if dataset.schema else ""
                ),
                "downloads": [
                    (
                        r.format,
                        reverse(r.url_name, kwargs=r.kwargs)
                        + (directory_query if r.url_name in DIRECTORY_FILES else ""),
                    )
                    for r in dataset.resources
                ],
            }
        )
    return render(request, "api/dataset_list.html", {"datasets": datasets})


@require_GET
@permission_required("calls.funded_view")
def scdl_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(scdl.scdl_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{SCDL_FILENAME}"'
    return response


@require_GET
def dataset_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """The dataset's table as a workbook: the CSV's columns and values, formula-safe."""
    dataset = dataset_get(slug)
    if dataset is None:
        raise Http404("unknown dataset")
    columns, records = dataset.table()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = slug[:31]
    sheet.append(list(columns))
    for record in records:
        sheet.append(spreadsheet_safe_row("" if record[c] is None else record[c] for c in columns))
    workbook_text_only(workbook)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slug}.xlsx"'
    return response


@require_GET
def schema(request: HttpRequest, name: str) -> FileResponse:
    """A Table Schema of ``data/schemas/`` named by a dataset (no other file is served)."""
    if name not in SCHEMAS:
        raise Http404("unknown schema")
    path = Path(settings.BASE_DIR) / "data" / "schemas" / name
    return FileResponse(path.open("rb"), content_type="application/schema+json")
