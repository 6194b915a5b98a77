from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from maps.models import Area

from .consultations import ConsultationPage, Proposal

TEXT_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 1000


class Contribution(models.Model):
    """A comment in a consultation, with an optional place (geometry and/or area), or a reply
    to one (one level deep). Only the author's display name is ever shown."""

    class Category(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        CONCERN = "concern", _("Concern")
        QUESTION = "question", _("Question")
        PRAISE = "praise", _("Praise")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Removed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    group = models.ForeignKey(
        "participation.Group",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        help_text=_("A group the author is a member of and writes for."),
    )
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    geometry = models.GeometryField(_("place"), srid=4326, null=True, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    moderation_reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX_LENGTH)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["consultation", "status", "-created_at"])]

    def __str__(self) -> str:
        return _("Contribution %(number)s") % {"number": self.pk}

    @property
    def is_visible(self) -> bool:
        """Shown publicly: published, or removed (then only its reason is shown)."""
        return self.status in {self.Status.PUBLISHED, self.Status.REJECTED}

    @property
    def url(self) -> str:
        return (
            self.consultation.url
            + self.consultation.reverse_subpage("contribution", args=[self.reply_to_id or self.pk])
            + (f"#antwort-{self.pk}" if self.reply_to_id else "")
        )


class Support(models.Model):
    """One person's support for a contribution (one per person, toggled)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "user"], name="one_support_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id}/{self.user_id}"


class Report(models.Model):
    """A report that a contribution breaks the rules; it puts the contribution in the
    moderators' queue until a moderator decides."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_report_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return _("Report on contribution %(number)s") % {"number": self.contribution_id}
