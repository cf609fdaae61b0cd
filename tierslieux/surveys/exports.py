"""The CSV export of a year's answers: one row per place, RFC 4180, UTF-8 with a byte-order mark
(so that spreadsheets read the accents), ISO dates, labels in the page's language."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.core.exports import spreadsheet_safe_row
from tierslieux.surveys.models import Survey
from tierslieux.surveys.selectors import response_export_rows

COLUMNS: tuple[str, ...] = (
    "annee",
    "tiers_lieu",
    "commune",
    "code_insee",
    "departement",
    "utilisateurs_par_semaine",
    "emplois_accueillis",
    "chiffre_affaires",
    "confiance_modele_economique",
    "services",
    "gouvernance",
    "commentaires",
    "repondant",
    "saisi_par_equipe",
    "date_reponse",
)


def responses_csv(survey: Survey) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in response_export_rows(survey):
        writer.writerow(
            spreadsheet_safe_row(
                [
                    survey.year,
                    r.place.name,
                    r.place.commune.name,
                    r.place.commune_id,
                    r.place.commune.departement_id,
                    r.users_per_week,
                    r.jobs_hosted,
                    r.get_turnover_range_display(),
                    r.get_business_model_confidence_display(),
                    ", ".join(r.get_services_display()),
                    r.get_governance_display(),
                    r.comments,
                    r.respondent_name,
                    _("yes") if r.recorded_by_id else _("no"),
                    timezone.localtime(r.submitted_at).date().isoformat(),
                ]
            )
        )
    return out.getvalue().encode("utf-8-sig")
