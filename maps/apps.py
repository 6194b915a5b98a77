from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    """Areas (the LOR hierarchy), geo utilities and the accessible map. Knows no other app."""

    name = "maps"
    verbose_name = _("Maps and areas")
