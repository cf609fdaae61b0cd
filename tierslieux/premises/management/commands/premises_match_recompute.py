from django.core.management.base import BaseCommand

from tierslieux.premises.services import premises_offers_match_recompute


class Command(BaseCommand):
    help = (
        "Recompute the match with the mesh (white zone, minutes to the nearest open place, "
        "inhabitants brought, creation eligibility) of every published or reserved premises "
        "offer: run it when places open or close (e.g. nightly)."
    )

    def handle(self, *args, **options):
        count = premises_offers_match_recompute(by=None)
        self.stdout.write(f"{count} premises offers recomputed")
