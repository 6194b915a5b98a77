from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The Wagtail site: home, content pages, navigation, settings, search, accessibility."""

    name = "cms"
    verbose_name = _("Website")
