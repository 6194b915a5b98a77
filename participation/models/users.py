from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. Only `display_name` is ever shown publicly; e-mail and real name never are."""

    display_name = models.CharField(
        _("display name"),
        max_length=60,
        blank=True,
        help_text=_("The only name shown next to your contributions."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        # Never the username: it may be a real name or an e-mail address.
        return self.display_name or _("Participant %(number)s") % {"number": self.pk}
