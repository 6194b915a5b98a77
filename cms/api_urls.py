"""The REST API, version 1: each app contributes its routes."""

urlpatterns: list = []
