"""Daily: e-mail each instructor their upcoming and overdue meetings, reports and renewals."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tierslieux.accounts.models import User
from tierslieux.agreements.emails import reminders_email
from tierslieux.agreements.selectors import reminders_for
from tierslieux.core import clock
from tierslieux.core.roles import Role
from tierslieux.core.tasks import send_email


class Command(BaseCommand):
    help = "E-mail each instructor the list of their upcoming and overdue meetings (daily)."

    def handle(self, *args, **options):
        today = clock.today()
        instructors = (
            User.objects.filter(groups__name=Role.INSTRUCTOR.value, is_active=True)
            .exclude(email="")
            .distinct()
            .order_by("pk")
        )
        sent = 0
        with translation.override(settings.LANGUAGE_CODE):
            for instructor in instructors:
                reminders = reminders_for(user=instructor, on=today)
                if not reminders:
                    continue
                subject, body = reminders_email(reminders)
                send_email.enqueue(subject=subject, body=body, to=[instructor.email])
                sent += 1
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")
