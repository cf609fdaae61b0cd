"""Who receives the e-mails of the calls' services, and sending them after the commit."""

from collections.abc import Iterable

from django.db import transaction

from tierslieux.accounts.models import User
from tierslieux.calls.models import Application
from tierslieux.core.roles import Role
from tierslieux.core.tasks import send_email


def send_after_commit(subject: str, body: str, to: Iterable[str]) -> None:
    """Queue one e-mail to the non-empty addresses ``to`` once the transaction commits (at
    once outside a transaction)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, to=recipients), robust=True
    )


def holder_emails(application: Application) -> list[str]:
    """The active members of the applying organisation."""
    return list(
        User.objects.filter(organisation_id=application.organisation_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def instructor_emails(application: Application) -> list[str]:
    """The instructors assigned to the application, or every active instructor if none is."""
    assigned = application.instructors.filter(is_active=True).exclude(email="")
    if not assigned.exists():
        assigned = User.objects.filter(groups__name=Role.INSTRUCTOR.value, is_active=True).exclude(
            email=""
        )
    return list(assigned.values_list("email", flat=True))
