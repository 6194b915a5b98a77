"""CKAN's action URLs: versioned (`/api/3/action/…`) and as the `ckanapi` client calls them
(`/api/action/…`). No trailing slash: the client follows no redirects."""

from django.urls import path

from . import views

app_name = "ckan"
urlpatterns = [
    path("3/action/<str:name>", views.action, name="action"),
    path("action/<str:name>", views.action, name="action_unversioned"),
]
