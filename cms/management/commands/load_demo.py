from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms.demo import demo_load
from opendata.demo import demo_load as opendata_demo_load
from participation.demo import demo_load as participation_demo_load


class Command(BaseCommand):
    help = (
        "Load the Berlin demo: areas, addresses, pages, site settings, demo accounts and "
        "consultations with their proposals and contributions, and the open-data catalogue. "
        "Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bars")
        parser.add_argument(
            "--no-addresses",
            action="store_true",
            help="skip the 400,000 Berlin addresses (for quick test set-ups)",
        )

    def handle(self, *args, **options):
        call_command("import_areas", no_progress=options["no_progress"], stdout=self.stdout)
        if not options["no_addresses"]:
            call_command("import_addresses", no_progress=options["no_progress"], stdout=self.stdout)
        password = getattr(settings, "DEMO_PASSWORD", "")
        result = demo_load(password=password)
        created = ", ".join(result.created_pages) or "none"
        self.stdout.write(f"pages created: {created}")
        if result.accounts:
            self.stdout.write(f"demo accounts: {', '.join(result.accounts)}")
        else:
            self.stdout.write("no demo accounts: DEMO_PASSWORD is not set (development only)")
        participation = participation_demo_load(password=password)
        created = ", ".join(participation.created_pages) or "none"
        self.stdout.write(f"consultation pages created: {created}")
        self.stdout.write(f"groups created: {', '.join(participation.created_groups) or 'none'}")
        if password:
            self.stdout.write(
                f"demo residents: {', '.join(participation.residents)}; "
                f"contributions created: {participation.contributions}; "
                f"statements: {participation.statements}; answers: {participation.answers}"
            )
        else:
            self.stdout.write("no contributions: they need the demo accounts")
        opendata = opendata_demo_load()
        created = ", ".join(opendata.created_pages) or "none"
        self.stdout.write(
            f"datasets created: {created}; versions published: {opendata.versions} "
            f"({opendata.suppressed} small counts suppressed)"
        )
        call_command("publish_results", no_progress=True, stdout=self.stdout)
