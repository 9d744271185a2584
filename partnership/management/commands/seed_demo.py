from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from partnership.models import Partnership


class Command(BaseCommand):
    help = "Load the Winsford Education Partnership demo: 15 schools, this year's terms and five demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any partnership exists.")

    def handle(self, *args, if_empty=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to load demo accounts with a known password while DEBUG is off. "
                "Demo data is for development machines only."
            )
        if if_empty and Partnership.objects.exists():
            self.stdout.write("Data already present: demo data not loaded.")
            return
        partnership = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"Loaded {partnership}."))
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for email, *_ in DEMO_ACCOUNTS.values():
            self.stdout.write(f"  {email}")
