from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cms.models.links import optional_link


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Who runs the site and where its legal pages are; shown in every page's footer."""

    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_address = models.TextField(_("postal address"), blank=True)
    contact_email = models.EmailField(
        _("public contact e-mail"),
        blank=True,
        help_text=_("An office address shown in the footer, never a person's."),
    )
    contact_phone = models.CharField(_("public contact phone"), max_length=50, blank=True)
    feedback_email = models.EmailField(
        _("e-mail for accessibility feedback"),
        blank=True,
        help_text=_("Receives every report; editors are notified as well."),
    )
    imprint_page = optional_link("wagtailcore.Page", _("imprint page"))
    privacy_page = optional_link("wagtailcore.Page", _("privacy page"))
    accessibility_page = optional_link("wagtailcore.Page", _("accessibility statement"))

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("organisation_address"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("feedback_email"),
            ],
            heading=_("Organisation"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("imprint_page"),
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
            ],
            heading=_("Legal pages"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    select_related = ["imprint_page", "privacy_page", "accessibility_page"]
