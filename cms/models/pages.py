from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.links import optional_link
from maps.models import Area
from maps.selectors import area_feature_collection, area_list

VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


class EasyLanguageMixin(RoutablePageMixin, models.Model):
    """Every page may carry a version of its content in easy language (Leichte Sprache),
    served at `<page url>leichte-sprache/`, and a German Sign Language video with captions,
    served at `<page url>gebaerdensprache/` (BITV 2.0 § 4). Both are listed in the sitemap
    when they exist."""

    easy_language_body = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("content in easy language"),
        help_text=_(
            "Short sentences, one statement each; address the reader directly; "
            "split long compound words with a hyphen."
        ),
    )

    sign_language_video = optional_link(
        "wagtaildocs.Document", _("German Sign Language video"), _("An MP4 or WebM file.")
    )
    sign_language_captions = optional_link(
        "wagtaildocs.Document",
        _("captions for the video"),
        _("Required with a video: German captions as a .vtt file."),
    )

    easy_language_panels = [
        FieldPanel("easy_language_body"),
        FieldPanel("sign_language_video"),
        FieldPanel("sign_language_captions"),
    ]

    class Meta:
        abstract = True

    @property
    def has_easy_language(self) -> bool:
        return bool(self.easy_language_body)

    @property
    def easy_language_url(self) -> str:
        return self.url + self.reverse_subpage("easy_language")

    @property
    def has_sign_language(self) -> bool:
        return self.sign_language_video_id is not None

    @property
    def sign_language_url(self) -> str:
        return self.url + self.reverse_subpage("sign_language")

    def clean(self):
        super().clean()
        errors = {}
        video, captions = self.sign_language_video, self.sign_language_captions
        if video and PurePath(video.file.name).suffix.lower() not in VIDEO_TYPES:
            errors["sign_language_video"] = _("Choose an MP4 or WebM video.")
        if video and not captions:
            errors["sign_language_captions"] = _("A video needs captions.")
        if captions and PurePath(captions.file.name).suffix.lower() != ".vtt":
            errors["sign_language_captions"] = _("Captions must be a WebVTT (.vtt) file.")
        if errors:
            raise ValidationError(errors)

    @path("gebaerdensprache/", name="sign_language")
    def sign_language(self, request):
        if not self.has_sign_language:
            raise Http404
        video = self.sign_language_video
        return self.render(
            request,
            template="cms/sign_language_page.html",
            context_overrides={
                "is_sign_language": True,
                "video": video,
                "video_type": VIDEO_TYPES.get(PurePath(video.file.name).suffix.lower(), ""),
            },
        )

    @path("leichte-sprache/", name="easy_language")
    def easy_language(self, request):
        if not self.has_easy_language:
            raise Http404
        return self.render(
            request,
            template="cms/easy_language_page.html",
            context_overrides={"is_easy_language": True},
        )

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        full_url = self.get_full_url(request)
        lastmod = self.last_published_at or self.latest_revision_created_at
        for route, present in (
            ("easy_language", self.has_easy_language),
            ("sign_language", self.has_sign_language),
        ):
            if present:
                urls.append(
                    {"location": full_url + self.reverse_subpage(route), "lastmod": lastmod}
                )
        return urls


def edit_handler(content_panels) -> TabbedInterface:
    """The editor's tabs for a page: content, easy language, promotion, settings."""
    return TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(
                EasyLanguageMixin.easy_language_panels,
                heading=_("Easy language and sign language"),
            ),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings"), classname="settings"),
        ]
    )


class HomePage(EasyLanguageMixin, Page):
    """The start page: what the platform is, current consultations, featured datasets and a
    map of the districts with its list."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("content"))
    # Every page's "Leichte Sprache" link falls back to this overview, so it may not be empty.
    easy_language_body = StreamField(
        BodyBlock(),
        verbose_name=_("content in easy language"),
        help_text=_(
            "Required here: an overview of the site in easy language (what it offers, how to "
            "find your way, the essentials of the accessibility statement)."
        ),
    )

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    edit_handler = edit_handler(content_panels)

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from participation.models import ConsultationIndexPage, Phase
        from participation.selectors import consultation_list

        districts = area_list(level=Area.Level.BEZIRK)
        context["district_map_data"] = area_feature_collection(districts)
        context["current_consultations"] = consultation_list(phase=Phase.CONTRIBUTIONS)[:4]
        context["consultation_index"] = ConsultationIndexPage.objects.live().first()
        return context


class ContentPage(EasyLanguageMixin, Page):
    """A page of editorial content: headings, text and images."""

    intro = models.TextField(_("summary"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("content"))

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    edit_handler = edit_handler(content_panels)

    class Meta:
        verbose_name = _("content page")


class AccessibilityStatementPage(EasyLanguageMixin, Page):
    """The accessibility statement required by BITV 2.0, with its feedback form."""

    class Conformance(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    conformance = models.CharField(
        _("conformance"), max_length=10, choices=Conformance.choices, default=Conformance.PARTIAL
    )
    statement_date = models.DateField(_("statement prepared on"), null=True, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("statement"))

    max_count = 1
    search_fields = [*Page.search_fields, index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("conformance"),
        FieldPanel("statement_date"),
        FieldPanel("body"),
    ]
    edit_handler = edit_handler(content_panels)

    class Meta:
        verbose_name = _("accessibility statement")

    @path("")
    def statement(self, request):
        from cms.forms import AccessibilityFeedbackForm, form_data_recovered
        from cms.services import accessibility_feedback_create

        if request.method == "POST":
            form = AccessibilityFeedbackForm(request.POST)
            if form.is_valid():
                if not form.is_spam():
                    accessibility_feedback_create(**form.feedback_data())
                return HttpResponseRedirect(self.url + self.reverse_subpage("feedback_sent"))
            return self.render(request, context_overrides={"form": form})
        recovered = form_data_recovered(request)
        initial = recovered or {"page_url": request.GET.get("seite", "")}
        form = AccessibilityFeedbackForm(initial=initial)
        return self.render(
            request, context_overrides={"form": form, "form_recovered": recovered is not None}
        )

    @path("danke/", name="feedback_sent")
    def feedback_sent(self, request):
        return self.render(request, context_overrides={"feedback_sent": True})
