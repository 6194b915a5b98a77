from django.db import models


def optional_link(to: str, verbose_name, help_text: str = "") -> models.ForeignKey:
    """An optional link to a page or document that is cleared, not cascaded, when the target
    is deleted, and adds no reverse accessor to the target."""
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )
