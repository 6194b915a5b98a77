"""API keys (Wagtail's `APIToken`): created and revoked by their owner on the account page; a
request presenting one acts as its owner, with the owner's permissions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken

from ..models import User

MAX_TOKENS_PER_USER = 20
NAME_MAX_LENGTH = 100
# "Last used" is shown to the owner only roughly; writing it on every request would turn each
# read through the API into a write.
LAST_USED_PRECISION_SECONDS = 60
BEARER_SCHEMES = frozenset({"bearer", "token"})


def api_tokens(user: User) -> QuerySet[APIToken]:
    """`user`'s keys that are not revoked, newest first."""
    return APIToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created", "-pk")


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[APIToken, str]:
    """A new key for `user` and its secret, which exists only in this return value (only a
    digest is stored). ValidationError on `name` for a missing or long name, or when `user`
    already has the most keys allowed."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter a name for the key.")}, code="required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": _("Shorten the name of the key to at most %(count)s characters.")
                % {"count": NAME_MAX_LENGTH}
            },
            code="long",
        )
    # Locks the owner's row, so two requests at once cannot pass the limit together.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if api_tokens(user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": _(
                    "You already have %(count)s keys, the most allowed. "
                    "Revoke one you no longer need first."
                )
                % {"count": MAX_TOKENS_PER_USER}
            },
            code="limit",
        )
    return APIToken.create_token(user=user, name=name)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s keys; it stops working with the next request. False if they have
    no such key that is not revoked yet."""
    return bool(api_tokens(user).filter(pk=token_id).update(revoked_at=timezone.now()))


def request_secret(request) -> str | None:
    """The key a request presents: `Authorization: Bearer <key>` (or `Token <key>`), or the
    bare key in `Authorization` or `X-CKAN-API-Key`, as CKAN clients send it. None if it
    presents none (another scheme in `Authorization`, such as Basic, is not a key)."""
    parts = request.META.get("HTTP_AUTHORIZATION", "").split(None, 1)
    if len(parts) == 2 and parts[0].lower() in BEARER_SCHEMES:
        return parts[1].strip()
    if len(parts) == 1 and parts[0].lower() not in BEARER_SCHEMES:
        return parts[0]
    return request.META.get("HTTP_X_CKAN_API_KEY", "").strip() or None


def api_token_user(secret: str | None) -> User | None:
    """The active owner of the key `secret`; None if it is missing, malformed, unknown or
    revoked, or its owner is deactivated. Records when the key was last used (to the minute)."""
    if not isinstance(secret, str) or not APIToken.validate_token_format(secret):
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    last_used = token.last_used_at
    if last_used is None or (now - last_used).total_seconds() >= LAST_USED_PRECISION_SECONDS:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
