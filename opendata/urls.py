"""Stable download URLs, outside Wagtail: page paths cannot hold a file name's dot."""

from django.urls import path

from . import views
from .exports import EXPORT_FORMATS

app_name = "opendata"
urlpatterns = [
    path(
        "<slug:dataset_slug>/<slug:resource_slug>/v<int:number>/<str:filename>",
        views.version_download,
        name="version_download",
    ),
    path(
        "<slug:dataset_slug>/<slug:resource_slug>/latest/<str:filename>",
        views.latest_download,
        name="latest_download",
    ),
]
# Conversions first: `export.csv` would otherwise be taken for a version's file name.
urlpatterns = [
    path(
        f"<slug:dataset_slug>/<slug:resource_slug>/v<int:number>/export.{export_format}",
        views.version_export,
        {"export_format": export_format},
        name=f"version_export_{export_format}",
    )
    for export_format in EXPORT_FORMATS
] + urlpatterns
