"""Account pages Quartier adds to django-allauth's, under the same `konto/` prefix (included
before allauth's own URLs)."""

from django.urls import path
from django.views.generic import RedirectView

from participation import accounts

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="account_profile"), name="account"),
    path("profil/", accounts.profile, name="account_profile"),
]
