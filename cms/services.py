"""What changes the site's own records, and what the site composes of its apps: a
consultation's result published as open data."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.models import AccessibilityFeedback, ResultDataset, SiteSettings
from cms.tasks import accessibility_feedback_notify

if TYPE_CHECKING:
    from opendata.models import DatasetPage, Organisation, Resource


@transaction.atomic
def accessibility_feedback_create(
    *, category: str, message: str, page_url: str = "", name: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Store a barrier report and, once it is committed, notify the editors."""
    feedback = AccessibilityFeedback.objects.create(
        category=category, message=message, page_url=page_url, name=name, email=email
    )
    transaction.on_commit(lambda: accessibility_feedback_notify.enqueue(feedback_id=feedback.pk))
    return feedback


# A consultation's result as open data ---------------------------------------------------------

RESULT_THEME = ("GOVE", "Regierung und öffentlicher Sektor")


@dataclass
class ResultPublication:
    dataset: "DatasetPage | None"
    created: bool
    versions: int  # new versions published (0: nothing had changed)


class NoCatalogue(Exception):
    """There is no data catalogue page to publish a result in."""


def _result_publisher() -> "Organisation":
    """The site's organisation (its site settings) as publisher, with its public address."""
    from django.utils.text import slugify
    from wagtail.models import Site

    from opendata.models import Organisation

    site = Site.objects.filter(is_default_site=True).first()
    settings_ = SiteSettings.for_site(site) if site else None
    name = (settings_ and settings_.organisation_name) or (site and site.site_name) or "Quartier"
    publisher, _created = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "slug": slugify(name)[:80] or "quartier",
            "email": (settings_ and settings_.contact_email) or "",
        },
    )
    return publisher


def _result_dataset_page(index, consultation) -> "DatasetPage":
    """A new dataset page for the consultation's result, from its title, summary, areas and
    dates (editors may change them afterwards; they are not written again)."""
    from opendata.models import DatasetPage, DataTheme, Frequency

    slug = base = f"ergebnis-{consultation.slug}"[:70]
    number = 1
    while DatasetPage.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    publisher = _result_publisher()
    theme, _created = DataTheme.objects.get_or_create(
        code=RESULT_THEME[0], defaults={"name": RESULT_THEME[1]}
    )
    with translation.override(settings.LANGUAGE_CODE):
        page = DatasetPage(
            title=_("Result of the consultation: %(title)s") % {"title": consultation.title},
            slug=slug,
            description=_(
                "%(summary)s\n\nThe contributions to this consultation with the administration's "
                "answer to each: category, place, proposal, number of supporters, outcome and "
                "reasons. Anonymous: no author's name. Updated when an answer changes."
            )
            % {"summary": consultation.summary},
            publisher=publisher,
            licence=settings.RESULT_DATASET_LICENCE,
            temporal_start=consultation.contributions_start,
            temporal_end=consultation.contributions_end,
            frequency=Frequency.IRREGULAR,
            contact_name=publisher.name,
            contact_email=publisher.email,
            issued=timezone.localdate(),
        )
        page.themes = [theme]
        page.areas = list(consultation.areas.all())
        page.tags.add(_("participation"), _("result"))
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def _result_resource(page, key: str, order: int) -> "Resource":
    """The dataset's resource for one of the result's files (`participation.exports`)."""
    from opendata.models import Resource

    titles = {
        "csv": _("Contributions and answers (table)"),
        "punkte": _("Contributions at a point and their answers (map)"),
        "linien": _("Contributions along a line and their answers (map)"),
        "flaechen": _("Contributions in a drawn area and their answers (map)"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        resource, _created = Resource.objects.get_or_create(
            dataset=page,
            slug=f"beitraege-{key}",
            defaults={
                "title": str(titles[key]),
                "kind": Resource.Kind.TABLE if key == "csv" else Resource.Kind.GEODATA,
                "personal_data": Resource.PersonalData.NONE,
                "sort_order": order,
            },
        )
    return resource


def _unchanged(resource, data: bytes) -> bool:
    latest = resource.versions.order_by("-number").first()
    if latest is None:
        return False
    with latest.file.open("rb") as file:
        return file.read() == data


@transaction.atomic
def result_dataset_publish(*, consultation) -> ResultPublication:
    """Publish a consultation's result in the data catalogue, or bring it up to date: a dataset
    page the first time, then a new version of a resource whenever its file would differ
    (the table of every result contribution, the geodata of those with a place). Only for a
    consultation in its result phase; raises NoCatalogue without a catalogue page. Nothing is
    published while the consultation has no published contribution (`dataset` is None)."""
    from opendata.models import DatasetIndexPage
    from opendata.services import resource_version_create
    from participation.exports import result_files
    from participation.models import Phase

    if consultation.phase != Phase.RESULT:
        raise ValueError(f"{consultation} has not reached its result phase.")
    files = result_files(consultation)
    link = ResultDataset.objects.select_related("dataset").filter(consultation=consultation)
    link = link.first()
    if link is None and not files:
        return ResultPublication(dataset=None, created=False, versions=0)
    created = link is None
    if created:
        index = DatasetIndexPage.objects.first()
        if index is None:
            raise NoCatalogue(_("There is no data catalogue page to publish the result in."))
        link = ResultDataset.objects.create(
            consultation=consultation, dataset=_result_dataset_page(index, consultation)
        )
    versions = 0
    with translation.override(settings.LANGUAGE_CODE):
        note = _("The result report as it stands")
    for order, (key, (filename, data)) in enumerate(files.items()):
        resource = _result_resource(link.dataset, key, order)
        if _unchanged(resource, data):
            continue
        resource_version_create(resource=resource, data=data, filename=filename, note=note)
        versions += 1
    link.save(update_fields=["updated_at"])
    return ResultPublication(dataset=link.dataset, created=created, versions=versions)
