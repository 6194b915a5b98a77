"""Who sends an API request: the owner of an API key (`Authorization: Bearer <key>`), or a
person logged in to the site in this browser (their session, with Django's CSRF check on
every request that changes something)."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from participation.services.tokens import api_token_user, request_secret


class APIKeyAuthentication(authentication.BaseAuthentication):
    """An API key created on the account page, sent as `Authorization: Bearer <key>` (or
    `Token <key>`). A key that is given but unknown, revoked or whose owner is deactivated is
    refused with 401: the request never falls back to being anonymous."""

    keyword = "Bearer"

    def authenticate(self, request):
        secret = request_secret(request)
        if secret is None:
            return None
        user = api_token_user(secret)
        if user is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "The API key is unknown or revoked, or its account is deactivated. "
                    "Create a new key on your account page."
                )
            )
        return user, secret

    def authenticate_header(self, request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The site's login session, for scripts in the browser; requests that change something
    must carry the CSRF token (header `X-CSRFToken`), as the site's forms do."""


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = APIKeyAuthentication
    name = "apiKey"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "An API key from your account page, sent as Authorization: Bearer <key>. "
                    "Acts with the rights of the key's owner."
                )
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "session"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": str(
                _(
                    "The site's login session in a browser; a request that changes something "
                    "also needs the CSRF token in the X-CSRFToken header."
                )
            ),
        }
