"""The DCAT-AP.de catalogue at the site's root, where harvesters look for it: `/catalog.ttl`,
`/dataset/<slug>.rdf`; the extension picks the serialisation."""

from django.urls import path, re_path

from . import views

EXTENSION = r"(?P<extension>ttl|rdf|jsonld)"

urlpatterns = [
    path("catalog", views.catalogue_iri, name="dcat_catalogue"),
    re_path(rf"^catalog\.{EXTENSION}$", views.catalogue, name="dcat_catalogue_document"),
    path("dataset/<slug:slug>", views.dataset_iri, name="dcat_dataset"),
    re_path(
        rf"^dataset/(?P<slug>[-a-zA-Z0-9_]+)\.{EXTENSION}$",
        views.dataset,
        name="dcat_dataset_document",
    ),
]
