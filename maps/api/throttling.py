"""How many requests a client may send: rates from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`,
read when a request comes (DRF's own classes read them once, at import, so overridden settings
would not apply). Counts are kept in the default cache: per client address for anonymous
requests, per account otherwise."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings


class SettingsRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(
                f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] has no rate for '{self.scope}'."
            ) from None


class AnonRateThrottle(SettingsRateMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client address (rate `anon`)."""


class UserRateThrottle(SettingsRateMixin, throttling.UserRateThrottle):
    """Requests with an account, per account (rate `user`)."""


class ScopedUserRateThrottle(SettingsRateMixin, throttling.UserRateThrottle):
    """One kind of request with a rate of its own (`scope`), per account; a view adds it for
    the actions that need it."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()
