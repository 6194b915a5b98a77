from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Datasets and their resources, import, previews, downloads, catalogue interfaces."""

    name = "opendata"
    verbose_name = _("Open data")
