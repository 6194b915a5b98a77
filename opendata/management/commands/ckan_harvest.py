import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from opendata.harvest import PortalError, catalogue_harvest


def moment(text: str) -> datetime.datetime:
    """An ISO date or date and time (UTC unless it says otherwise)."""
    value = parse_datetime(text)
    if value is None and (day := parse_date(text)) is not None:
        value = datetime.datetime.combine(day, datetime.time.min)
    if value is None:
        raise CommandError(f"--since: not an ISO date or date and time: {text!r}")
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = (
        "Harvest the datasets of a CKAN portal (CKAN 2.9 or later, or another Quartier) into "
        "the catalogue: those changed since the last harvest, each with the files the "
        "catalogue can host. Harvested datasets are updated, never duplicated; local datasets "
        "of another origin are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="the portal's address, e.g. https://daten.example.org")
        parser.add_argument("--organization", default="", help="only this organisation (name)")
        parser.add_argument(
            "--since", type=moment, help="only datasets changed since (ISO date or date and time)"
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="look at every dataset, and unpublish those gone from the portal",
        )
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")

    def handle(self, *args, **options):
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=self.stderr),
            disable=options["no_progress"],
        ) as bar:
            task = bar.add_task("datasets", total=None)

            def progress(total: int, name: str) -> None:
                if name:
                    bar.advance(task)
                else:
                    bar.update(task, total=total)

            try:
                report = catalogue_harvest(
                    url=options["url"],
                    organization=options["organization"],
                    since=options["since"],
                    full=options["full"],
                    progress=progress,
                )
            except (PortalError, ImproperlyConfigured) as error:
                raise CommandError(str(error)) from error
        for title, items in (
            ("skipped", report.skipped),
            ("failed", report.failed),
            ("files not taken", report.notes),
        ):
            for name, reason in items:
                self.stdout.write(f"{title}: {name}: {reason}")
        for name in report.gone:
            self.stdout.write(f"gone from the portal, left as it is: {name}")
        for name in report.unpublished:
            self.stdout.write(f"gone from the portal, unpublished: {name}")
        self.stdout.write(report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} datasets failed")
