"""Account pages Quartier adds to django-allauth's, under the same `konto/` prefix (included
before allauth's own URLs)."""

from django.urls import path
from django.views.generic import RedirectView

from participation import accounts, api_keys

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="account_profile"), name="account"),
    path("profil/", accounts.profile, name="account_profile"),
    path("api-schluessel/", api_keys.api_keys, name="account_api_keys"),
    path(
        "api-schluessel/<int:token_id>/widerrufen/",
        api_keys.api_key_revoke,
        name="account_api_key_revoke",
    ),
]
