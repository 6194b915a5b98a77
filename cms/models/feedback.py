from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedback(models.Model):
    """A report about a barrier on the site, sent through the accessibility statement's form
    (BITV 2.0 § 7). The contact details are for the answer only and never shown publicly."""

    class Category(models.TextChoices):
        CONTENT = "content", _("Content I cannot perceive or understand")
        KEYBOARD = "keyboard", _("Something does not work with the keyboard")
        SCREEN_READER = "screen_reader", _("Something does not work with my screen reader")
        DISPLAY = "display", _("Contrast, text size or layout")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")

    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    category = models.CharField(_("kind of barrier"), max_length=20, choices=Category.choices)
    message = models.TextField(_("description"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.created_at:%Y-%m-%d})"
