from django.urls import path
from wagtail import hooks

from .admin_views import ResourceViewSet, version_upload


@hooks.register("register_admin_viewset")
def register_opendata_viewsets():
    return ResourceViewSet()


@hooks.register("register_admin_urls")
def register_version_upload():
    return [
        path(
            "daten/ressourcen/<int:resource_id>/version/",
            version_upload,
            name="opendata_version_upload",
        )
    ]
