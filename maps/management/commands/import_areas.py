from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from maps.progress import progress_bar
from maps.services import area_geometry_import, area_hierarchy_import
from maps.sources import SourceError, read_area_shapes, read_lor_hierarchy

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "berlin"


class Command(BaseCommand):
    help = (
        "Import the LOR areas: the hierarchy table, then district and forecast-area outlines. "
        "Idempotent; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hierarchy", type=Path, default=FIXTURES / "lor_2021.csv")
        parser.add_argument("--districts", type=Path, default=FIXTURES / "bezirke.geojson")
        parser.add_argument(
            "--forecast-areas", type=Path, default=FIXTURES / "prognoseraeume_2021.geojson"
        )
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bars")

    def handle(self, *args, **options):
        try:
            records = read_lor_hierarchy(options["hierarchy"])
            bounds = settings.CITY_BOUNDS
            districts = read_area_shapes(options["districts"], key_property="name", bounds=bounds)
            forecast_areas = read_area_shapes(
                options["forecast_areas"], key_property="PGR_ID", bounds=bounds
            )
            with (
                progress_bar(self.stderr, enabled=not options["no_progress"]) as progress,
                transaction.atomic(),
            ):
                results = {
                    _("hierarchy"): area_hierarchy_import(records=records, progress=progress),
                    _("district outlines"): area_geometry_import(
                        shapes=districts, level="bezirk", match_by="name", progress=progress
                    ),
                    _("forecast-area outlines"): area_geometry_import(
                        shapes=forecast_areas, level="prognoseraum", progress=progress
                    ),
                }
        except SourceError as error:
            raise CommandError(str(error)) from error
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
