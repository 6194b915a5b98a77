"""The catalogue: publishers, datasets (Wagtail pages) and their resources, whose every upload
is kept as a numbered version with its checksum, size, schema and validation report."""

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cms.models.pages import EasyLanguageMixin, edit_handler
from maps.models import Area


class Licence(models.TextChoices):
    """Licences from the DCAT-AP.de licence vocabulary (dcat-ap.de/def/licenses)."""

    DL_BY_DE_2_0 = "dl-by-de/2.0", _("Data licence Germany, attribution, version 2.0")
    DL_ZERO_DE_2_0 = "dl-zero-de/2.0", _("Data licence Germany, zero, version 2.0")
    CC_BY_4_0 = "cc-by/4.0", _("Creative Commons Attribution 4.0 International")
    CC_ZERO = "cc-zero", _("Creative Commons CC0 1.0 Universal")

    @property
    def iri(self) -> str:
        return f"http://dcat-ap.de/def/licenses/{self.value}"


class Frequency(models.TextChoices):
    """Update frequencies from the EU frequency vocabulary."""

    DAILY = "DAILY", _("daily")
    WEEKLY = "WEEKLY", _("weekly")
    MONTHLY = "MONTHLY", _("monthly")
    QUARTERLY = "QUARTERLY", _("quarterly")
    ANNUAL = "ANNUAL", _("annually")
    IRREGULAR = "IRREG", _("irregularly")
    NEVER = "NEVER", _("never (completed)")


class DataTheme(models.Model):
    """An EU data theme (data.europa.eu/resource/authority/data-theme)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("data theme")
        verbose_name_plural = _("data themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def iri(self) -> str:
        return f"http://publications.europa.eu/resource/authority/data-theme/{self.code}"


@register_snippet
class Organisation(models.Model):
    """A publisher of datasets (an office, a district administration)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("An office's address, never a person's.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("website"), FieldPanel("email")]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DatasetTag(TaggedItemBase):
    content_object = ParentalKey(
        "opendata.DatasetPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class DatasetIndexPage(EasyLanguageMixin, Page):
    """The open-data catalogue: every dataset, searchable and filterable."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    subpage_types = ["opendata.DatasetPage"]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    edit_handler = edit_handler(content_panels)

    class Meta:
        verbose_name = _("data catalogue")

    @path("")
    def catalogue(self, request):
        from opendata.catalogue import catalogue_view

        return catalogue_view(self, request)


class DatasetPage(EasyLanguageMixin, Page):
    """A dataset's landing page: what the data is, who publishes it under which licence, what it
    covers in time and space, and its resources (files) with their versions."""

    description = models.TextField(_("description"), max_length=5000)
    publisher = models.ForeignKey(
        Organisation, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="+"
    )
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    themes = ParentalManyToManyField(DataTheme, blank=True, verbose_name=_("themes"))
    tags = ClusterTaggableManager(through=DatasetTag, blank=True, verbose_name=_("tags"))
    areas = ParentalManyToManyField(Area, blank=True, verbose_name=_("spatial coverage (areas)"))
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    frequency = models.CharField(
        _("update frequency"), max_length=10, choices=Frequency.choices, blank=True
    )
    contact_name = models.CharField(
        _("contact point"), max_length=200, help_text=_("An office or team, not a person.")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_url = models.URLField(_("contact web page"), blank=True)
    issued = models.DateField(_("first published on"), null=True, blank=True)

    parent_page_types = ["opendata.DatasetIndexPage"]
    subpage_types: list[str] = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.FilterField("licence"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        FieldPanel("publisher"),
        FieldPanel("licence"),
        FieldPanel("themes"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [
                FieldPanel("areas"),
                FieldRowPanel([FieldPanel("temporal_start"), FieldPanel("temporal_end")]),
                FieldPanel("frequency"),
                FieldPanel("issued"),
            ],
            heading=_("Coverage and updates"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_url")],
            heading=_("Contact point"),
        ),
    ]
    edit_handler = edit_handler(content_panels)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    @path("")
    def detail(self, request):
        from opendata.views import dataset_detail

        return dataset_detail(self, request)

    # A route of the page, so the map data is published, restricted and removed with it.
    @path("kartendaten/<slug:resource_slug>/", name="map_data")
    def map_data(self, request, resource_slug):
        from opendata.views import map_data

        return map_data(self, request, resource_slug)


class Resource(models.Model):
    """A distribution of a dataset: one table or geodata file, updated by new versions."""

    class Kind(models.TextChoices):
        TABLE = "table", _("Table (CSV, XLSX)")
        GEODATA = "geodata", _("Geodata (GeoJSON, GeoPackage, Shapefile)")

    class PersonalData(models.TextChoices):
        NONE = "none", _("No personal data")
        AGGREGATED = "aggregated", _("Aggregated personal data (counts of people)")
        RECORDS = "records", _("Record-level personal data (never published)")

    dataset = models.ForeignKey(
        DatasetPage, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    personal_data = models.CharField(
        _("personal data"),
        max_length=12,
        choices=PersonalData.choices,
        default=PersonalData.NONE,
        help_text=_(
            "Aggregated personal data is published only after disclosure control (small counts "
            "suppressed); record-level personal data cannot be published."
        ),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    download_count = models.PositiveBigIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["dataset", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "slug"], name="unique_resource_slug")
        ]

    def __str__(self) -> str:
        return self.title


FORMAT_LABELS = {
    "csv": "CSV",
    "xlsx": "XLSX",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shapefile": "Shapefile",
}


def format_label(value: str) -> str:
    """How a version's format is written for people (`gpkg` → GeoPackage)."""
    return FORMAT_LABELS.get(value, value.upper())


def version_path(version: "ResourceVersion", filename: str) -> str:
    """Where a version's file is stored: never overwritten, one folder per version."""
    name = PurePath(filename).name
    return f"opendata/{version.resource_id}/{version.number}/{name}"


class ResourceVersion(models.Model):
    """One upload of a resource, kept for good at a stable URL, with what was checked."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    features_file = models.FileField(
        _("features in WGS 84"),
        upload_to=version_path,
        max_length=300,
        blank=True,
        help_text=_("Geodata: every feature in WGS 84, one per line, for maps and conversions."),
    )
    format = models.CharField(_("format"), max_length=20)
    media_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    source_url = models.URLField(_("fetched from"), blank=True, max_length=1000)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("published"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    record_count = models.PositiveIntegerField(_("rows or features"), default=0)
    table_schema = models.JSONField(_("Table Schema"), default=dict, blank=True)
    report = models.JSONField(_("validation report"), default=dict, blank=True)
    suppressed = models.JSONField(
        _("suppressed cells"),
        default=list,
        blank=True,
        help_text=_("For editors: which cells disclosure control suppressed, and why."),
    )

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"

    @property
    def format_label(self) -> str:
        return format_label(self.format)


class HarvestSource(models.Model):
    """A CKAN portal datasets are harvested from, and how far its last harvest got."""

    url = models.URLField(_("portal address"), max_length=500, unique=True)
    last_modified = models.DateTimeField(
        _("newest change harvested"),
        null=True,
        blank=True,
        help_text=_("The next harvest asks only for datasets changed since then."),
    )
    last_run = models.DateTimeField(_("last harvest"), null=True, blank=True)

    class Meta:
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")

    def __str__(self) -> str:
        return self.url


class HarvestedDataset(models.Model):
    """A dataset of a harvest source and the local dataset page it was harvested into."""

    source = models.ForeignKey(
        HarvestSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="datasets"
    )
    remote_id = models.CharField(_("remote id"), max_length=100)
    remote_name = models.CharField(_("remote name"), max_length=100)
    remote_modified = models.DateTimeField(_("remote last change"), null=True, blank=True)
    dataset = models.ForeignKey(
        DatasetPage, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="+"
    )
    resources = models.JSONField(
        _("resources"), default=dict, blank=True, help_text=_("Remote resource id → local id.")
    )

    class Meta:
        verbose_name = _("harvested dataset")
        verbose_name_plural = _("harvested datasets")
        constraints = [
            models.UniqueConstraint(fields=["source", "remote_id"], name="unique_harvested_dataset")
        ]

    def __str__(self) -> str:
        return self.remote_name
