"""Recompute the mesh figures of applications (after the directory changed, for instance)."""

from django.core.management.base import BaseCommand

from tierslieux.calls.models import Application
from tierslieux.calls.services import application_mesh_compute
from tierslieux.calls.workflow import EDITABLE_STATES, FINAL_STATES


class Command(BaseCommand):
    help = "Recompute minutes to the nearest place and inhabitants brought, per application."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="application ids (default: all open)")

    def handle(self, *args, ids, **options):
        applications = Application.objects.exclude(state__in=FINAL_STATES | EDITABLE_STATES)
        if ids:
            applications = Application.objects.filter(pk__in=ids)
        for application in applications.select_related("call", "commune"):
            application_mesh_compute(application=application)
            self.stdout.write(
                f"{application.pk}\t{application.minutes_to_nearest_place}\t"
                f"{application.inhabitants_brought}"
            )
