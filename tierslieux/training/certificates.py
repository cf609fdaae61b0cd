"""The certificate of attendance of a registration, as a tagged PDF (WeasyPrint), made from the
``training/certificate_pdf.html`` template, as the dashboard makes its report."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.training.models import Registration
from tierslieux.training.workflow import RegistrationState


def certificate_pdf(registration: Registration) -> bytes:
    """The certificate of an attended registration; refused for anyone who did not attend."""
    if registration.state != RegistrationState.ATTENDED:
        raise ValidationError(
            _("A certificate of attendance is given only once attendance is recorded."),
            code="not_attended",
        )
    from weasyprint import HTML  # heavy: loaded when a PDF is written, not with the pages

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = render_to_string(
        "training/certificate_pdf.html",
        {
            "registration": registration,
            "session": registration.session,
            "course": registration.session.course,
            "issued_on": clock.today(),
            "region_name": settings.TERRITORY_REGION_NAME,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
