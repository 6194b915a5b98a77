from django.core.management.base import BaseCommand, CommandError

from cms.services import NoCatalogue, result_dataset_publish
from maps.progress import progress_bar
from participation.models import ConsultationPage, Phase


class Command(BaseCommand):
    help = (
        "Publish the result of every live consultation in its result phase as an open dataset "
        "(anonymous contributions and answers, CSV and GeoJSON), or bring it up to date. "
        "Idempotent: a version is added only when a file would change. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bars")

    def handle(self, *args, **options):
        consultations = [
            page
            for page in ConsultationPage.objects.live().order_by("pk")
            if page.phase == Phase.RESULT
        ]
        created = versions = 0
        with progress_bar(self.stderr, enabled=not options["no_progress"]) as progress:
            for consultation in progress(consultations, "results"):
                try:
                    publication = result_dataset_publish(consultation=consultation)
                except NoCatalogue as error:
                    raise CommandError(str(error)) from error
                created += publication.created
                versions += publication.versions
        self.stdout.write(
            f"consultations with a result: {len(consultations)}; datasets created: {created}; "
            f"new versions: {versions}"
        )
