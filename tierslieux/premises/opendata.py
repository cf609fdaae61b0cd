"""The published premises as open data: one CSV row per offer (Table Schema
``data/schemas/locaux-vacants.schema.json``). Public: the point is rounded to 0.01° (about a
kilometre), and neither the address nor the contact is published."""

import csv
import io
from typing import Any

from tierslieux.core.exports import spreadsheet_safe
from tierslieux.premises.models import PremisesOffer
from tierslieux.premises.workflow import PremisesState

COLUMNS: tuple[str, ...] = (
    "id",
    "nom",
    "autorite",
    "commune_insee",
    "commune_nom",
    "departement",
    "longitude",
    "latitude",
    "surface_m2",
    "pieces",
    "etat_batiment",
    "loyer_m2_mois",
    "loyer_reference_m2_mois",
    "part_loyer_marche",
    "disponible_le",
    "acces_pmr",
    "fibre",
    "zone_blanche",
    "habitants_apportes",
    "creation_eligible",
)


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def opendata_records() -> list[dict[str, Any]]:
    offers = (
        PremisesOffer.objects.filter(state=PremisesState.PUBLISHED, is_demo=False)
        .select_related("commune", "authority")
        .order_by("pk")
    )
    return [
        {
            "id": o.pk,
            "nom": o.title,
            "autorite": o.authority.name,
            "commune_insee": o.commune_id,
            "commune_nom": o.commune.name,
            "departement": o.commune.departement_id,
            "longitude": f"{o.lon:.2f}",
            "latitude": f"{o.lat:.2f}",
            "surface_m2": str(o.surface_m2),
            "pieces": o.rooms,
            "etat_batiment": o.building_state,
            "loyer_m2_mois": str(o.rent_per_m2_month),
            "loyer_reference_m2_mois": _value(o.reference_rent_per_m2_month),
            "part_loyer_marche": _value(o.rent_share_of_market),
            "disponible_le": o.available_on.isoformat() if o.available_on else "",
            "acces_pmr": _value(o.accessible),
            "fibre": _value(o.fibre),
            "zone_blanche": _value(o.white_zone),
            "habitants_apportes": _value(o.inhabitants_brought),
            "creation_eligible": _value(o.creation_eligible),
        }
        for o in offers
    ]


def opendata_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in opendata_records():
        # Names are typed by authorities: a spreadsheet must never run one as a formula.
        writer.writerow({k: spreadsheet_safe(_value(v)) for k, v in record.items()})
    return out.getvalue()
