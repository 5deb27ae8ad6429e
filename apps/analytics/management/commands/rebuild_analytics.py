"""Count every order again into the daily figures (after a restore, or a change of what
they count)."""

from django.core.management.base import BaseCommand

from apps.analytics.services import rollup_rebuild, rollup_vacuum


class Command(BaseCommand):
    help = "Rebuild the analytics daily figures from the orders."

    def handle(self, *args, **options):
        result = rollup_rebuild()
        # New rows, no visibility map yet: the pages' index-only scans want one.
        rollup_vacuum()
        self.stdout.write(f"{result['rows']} daily rows from {result['orders']} orders "
                          f"in {result['seconds']:.1f} s")
