from django.urls import path

from . import views

app_name = "maps"
urlpatterns = [
    path("", views.area_index, name="area_index"),
    path("adresse/", views.address_lookup, name="address_lookup"),
    path("<str:code>/", views.area_detail, name="area_detail"),
]
