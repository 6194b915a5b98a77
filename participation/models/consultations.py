from datetime import date
from functools import cached_property

from django.contrib.gis.db import models
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cms.blocks import BodyBlock
from cms.models.pages import EasyLanguageMixin, edit_handler
from maps.models import Area
from maps.widgets import AdminMapWidget

from .routes import ConsultationRoutes


@register_snippet
class Topic(models.Model):
    """What a consultation is about (e.g. youth, mobility, care); a filter on the index."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    """A consultation's phases, in order. The dates on the page decide which one is current;
    the review phase (invited groups only) is optional and comes first."""

    REVIEW = "review", _("Review by invited groups")
    INFORMATION = "information", _("Information")
    CONTRIBUTIONS = "contributions", _("Contributions")
    EVALUATION = "evaluation", _("Evaluation")
    RESULT = "result", _("Result")


# The phases anyone can see: a consultation in its review phase is seen by no one else.
PUBLIC_PHASES = [(value, label) for value, label in Phase.choices if value != Phase.REVIEW]


class ConsultationIndexPage(EasyLanguageMixin, Page):
    """All consultations, filterable by district, topic and phase, with a map of their areas."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    subpage_types = ["participation.ConsultationPage"]
    max_count = 1
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    edit_handler = edit_handler(content_panels)

    class Meta:
        verbose_name = _("consultation index")

    def get_template(self, request, *args, **kwargs):
        return "participation/consultation_index_page.html"

    @path("")
    def index(self, request):
        from participation.views import consultation_index

        return consultation_index(self, request)


class ConsultationPage(ConsultationRoutes, EasyLanguageMixin, Page):
    """A consultation on district or service planning: what is planned, where, until when, and
    the contributions people make on the map or without it."""

    class Contributors(models.TextChoices):
        REGISTERED = "registered", _("Everyone with an account")
        INVITED_GROUPS = "invited_groups", _("Invited groups only")

    class Moderation(models.TextChoices):
        PRE = "pre", _("Pre-moderation: contributions appear after a moderator approves them")
        POST = "post", _("Post-moderation: contributions appear at once and may be removed")

    summary = models.TextField(_("summary"), max_length=600)
    easy_language_summary = models.TextField(
        _("summary in easy language"),
        blank=True,
        max_length=1200,
        help_text=_("Short sentences; address the reader directly."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("content"))
    topics = ParentalManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    areas = ParentalManyToManyField(
        Area,
        blank=True,
        verbose_name=_("areas"),
        help_text=_(
            "The districts or LOR areas the consultation is about. Without a drawn outline, "
            "their outlines together form the consultation area."
        ),
    )
    area_geometry = models.MultiPolygonField(
        _("consultation area"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_(
            "Optional: draw the area on the map. Contributions with a place must lie inside it."
        ),
    )
    contributions_start = models.DateField(_("contributions open on"))
    contributions_end = models.DateField(_("contributions close after"))
    result_date = models.DateField(
        _("result published on"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the evaluation is still running."),
    )
    review_start = models.DateField(
        _("review by invited groups from"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: a phase before the public one in which only the invited groups see the "
            "consultation, discuss it internally and write their statements."
        ),
    )
    review_end = models.DateField(_("review until"), null=True, blank=True)
    invited_groups = ParentalManyToManyField(
        "participation.Group",
        blank=True,
        verbose_name=_("invited groups"),
        help_text=_("Groups invited to the review phase (and to contribute, if only they may)."),
    )
    review_published_at = models.DateTimeField(
        _("review published"),
        null=True,
        blank=True,
        help_text=_("Until then the statements of the review phase are seen by no one else."),
    )
    contributors = models.CharField(
        _("who may contribute"),
        max_length=20,
        choices=Contributors.choices,
        default=Contributors.REGISTERED,
    )
    allow_point = models.BooleanField(_("a point"), default=True)
    allow_line = models.BooleanField(_("a line"), default=False)
    allow_polygon = models.BooleanField(_("an area (polygon)"), default=False)
    allow_no_place = models.BooleanField(_("no specific place"), default=True)
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.POST
    )

    parent_page_types = ["participation.ConsultationIndexPage"]
    subpage_types: list[str] = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("contributions_start"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
        FieldPanel("topics"),
        MultiFieldPanel(
            [
                FieldPanel("areas"),
                FieldPanel(
                    "area_geometry",
                    widget=AdminMapWidget(attrs={"geom_type": "MultiPolygon"}),
                ),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("review_start"), FieldPanel("review_end")]),
                FieldPanel("invited_groups"),
                FieldRowPanel(
                    [
                        FieldPanel("contributions_start"),
                        FieldPanel("contributions_end"),
                        FieldPanel("result_date"),
                    ]
                ),
            ],
            heading=_("Phases"),
            help_text=_(
                "An optional review by invited groups first; information until contributions "
                "open; evaluation after they close; result from its date."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contributors"),
                FieldPanel("moderation"),
                FieldRowPanel(
                    [
                        FieldPanel("allow_point"),
                        FieldPanel("allow_line"),
                        FieldPanel("allow_polygon"),
                        FieldPanel("allow_no_place"),
                    ],
                    heading=_("A contribution may give"),
                ),
            ],
            heading=_("Contributions"),
        ),
    ]
    edit_handler = edit_handler(content_panels)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.contributions_start
            and self.contributions_end
            and self.contributions_end < self.contributions_start
        ):
            errors["contributions_end"] = _("Contributions cannot close before they open.")
        if (
            self.result_date
            and self.contributions_end
            and self.result_date <= (self.contributions_end)
        ):
            errors["result_date"] = _("The result comes after contributions have closed.")
        if bool(self.review_start) != bool(self.review_end):
            errors["review_end"] = _("Give both dates of the review phase, or neither.")
        elif self.review_start and self.review_end < self.review_start:
            errors["review_end"] = _("The review cannot end before it starts.")
        elif (
            self.review_end
            and self.contributions_start
            and (self.review_end >= self.contributions_start)
        ):
            errors["review_end"] = _("The review ends before contributions open.")
        if not (self.allow_point or self.allow_line or self.allow_polygon or self.allow_no_place):
            errors["allow_no_place"] = _("Allow at least one kind of place (or no place).")
        if errors:
            raise ValidationError(errors)

    def get_template(self, request, *args, **kwargs):
        return "participation/consultation_page.html"

    @property
    def has_easy_language(self) -> bool:
        return bool(self.easy_language_summary or self.easy_language_body)

    # Phases ------------------------------------------------------------------------------

    def phase_on(self, day: date) -> Phase:
        if self.review_end and day <= self.review_end:
            return Phase.REVIEW
        if day < self.contributions_start:
            return Phase.INFORMATION
        if day <= self.contributions_end:
            return Phase.CONTRIBUTIONS
        if self.result_date is None or day < self.result_date:
            return Phase.EVALUATION
        return Phase.RESULT

    @property
    def phase(self) -> Phase:
        return self.phase_on(timezone.localdate())

    @property
    def phases(self) -> list[dict]:
        """Every phase with its dates and whether it is past, current or to come."""
        current = list(Phase).index(self.phase)
        spans = [
            (Phase.REVIEW, self.review_start, self.review_end),
            (Phase.INFORMATION, self.review_end, self.contributions_start),
            (Phase.CONTRIBUTIONS, self.contributions_start, self.contributions_end),
            (Phase.EVALUATION, self.contributions_end, self.result_date),
            (Phase.RESULT, self.result_date, None),
        ]
        return [
            {
                "phase": phase,
                "start": start,
                "end": end,
                "state": "past" if i < current else "current" if i == current else "future",
            }
            for i, (phase, start, end) in enumerate(spans)
            if phase != Phase.REVIEW or self.review_end
        ]

    @property
    def in_review(self) -> bool:
        """In the review phase, which only the invited groups and the editors see."""
        return self.phase == Phase.REVIEW

    @property
    def is_open(self) -> bool:
        return self.phase == Phase.CONTRIBUTIONS

    # Places ------------------------------------------------------------------------------

    @property
    def geometry_kinds(self) -> list[str]:
        """The GEOS geometry types a contribution may carry."""
        kinds = []
        if self.allow_point:
            kinds.append("Point")
        if self.allow_line:
            kinds.append("LineString")
        if self.allow_polygon:
            kinds.append("Polygon")
        return kinds

    @property
    def allows_place(self) -> bool:
        return bool(self.geometry_kinds)

    @cached_property
    def consultation_area(self) -> GEOSGeometry | None:
        """The drawn outline, else the union of the chosen areas' outlines (None: anywhere)."""
        if self.area_geometry is not None:
            return self.area_geometry
        if not self.pk:
            return None
        union = (
            Area.objects.filter(consultationpage=self, geometry__isnull=False)
            .aggregate(union=Union("geometry"))
            .get("union")
        )
        if union is None:
            return None
        if union.geom_type == "Polygon":
            union = MultiPolygon(union, srid=union.srid)
        return union


class ConsultationDocument(Orderable):
    """A document published with a consultation (a plan, a report, a leaflet)."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Defaults to the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")

    def __str__(self) -> str:
        return self.title or self.document.title


class Proposal(models.Model):
    """An item inside a consultation (a measure or a site) that contributions can refer to."""

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    geometry = models.GeometryField(_("place"), srid=4326, null=True, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["consultation", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        return self.consultation.url + self.consultation.reverse_subpage("proposal", args=[self.pk])
