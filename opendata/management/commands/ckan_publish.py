import os

from django.core.management.base import BaseCommand, CommandError

from maps.progress import progress_bar
from opendata.harvest import PortalError
from opendata.publish import catalogue_publish


class Command(BaseCommand):
    help = (
        "Publish the catalogue's published datasets to a CKAN portal (CKAN 2.9 or later, or "
        "another Quartier): packages, organisations and files are created or changed only "
        "where they differ, so a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="the portal's address, e.g. https://ckan.example.org")
        parser.add_argument(
            "--api-key",
            default=os.environ.get("CKAN_API_KEY", ""),
            help="an API key of the portal (default: the environment variable CKAN_API_KEY)",
        )
        parser.add_argument(
            "--organization", default="", help="only the datasets of this publisher (slug)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="change nothing, say what would change"
        )
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")

    def handle(self, *args, **options):
        try:
            with progress_bar(self.stderr, enabled=not options["no_progress"]) as progress:
                report = catalogue_publish(
                    url=options["url"],
                    api_key=options["api_key"],
                    organization=options["organization"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except PortalError as error:
            raise CommandError(str(error)) from error
        for name in report.organisations:
            self.stdout.write(f"organisation created: {name}")
        for name, message in report.failed:
            self.stdout.write(f"failed: {name}: {message}")
        prefix = "dry run, nothing changed; would have " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} datasets failed")
