from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from maps.progress import progress_bar
from maps.selectors import source_import_is_current
from maps.services import address_import
from maps.sources import SourceError, file_checksum, read_addresses

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "berlin"


class Command(BaseCommand):
    help = (
        "Import the address table (street, house number, postcode, locality, planning area). "
        "Run after import_areas. An unchanged file is skipped; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=FIXTURES / "adressen.csv.gz")
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bars")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            checksum = file_checksum(path)
            if source_import_is_current(name="addresses", checksum=checksum):
                unchanged = _("unchanged since the last import")
                self.stdout.write(f"{path.name}: {unchanged}")
                return
            records = read_addresses(path)
            with progress_bar(self.stderr, enabled=not options["no_progress"]) as progress:
                result = address_import(records=records, checksum=checksum, progress=progress)
        except SourceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{path.name}: {result}")
