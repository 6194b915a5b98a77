"""Organised interests and the administration's accountability: groups (advisory boards,
self-help groups, associations, press, administration) with their members, the formal
statements a group publishes, a group's internal discussion during a review phase, and the
administration's answer to every contribution and statement."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .consultations import ConsultationPage, Proposal
from .contributions import Contribution

STATEMENT_MAX_LENGTH = 10000
ANSWER_MAX_LENGTH = 4000


class Group(models.Model):
    """A group that takes part as a group. Editors verify that it is who it says it is."""

    class Kind(models.TextChoices):
        ADVISORY_BOARD = "advisory_board", _("Advisory board")
        SELF_HELP = "self_help", _("Self-help group")
        ASSOCIATION = "association", _("Association")
        PRESS = "press", _("Press")
        ADMINISTRATION = "administration", _("Administration")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    website = models.URLField(_("website"), blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Checked by the editors: the group is who it says it is."),
    )
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("group", "user"),
        related_name="participation_groups",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("participation:group_detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A person in a group: asked to join (requested) or a member, with a role. A spokesperson
    or an editor decides on requests; only a spokesperson publishes statements."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        SPOKESPERSON = "spokesperson", _("Spokesperson")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        ACTIVE = "active", _("Member")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "-role", "requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user}, {self.group} ({self.get_role_display()})"


class Statement(models.Model):
    """A group's formal statement (Stellungnahme) on a consultation or one of its proposals,
    published by a spokesperson. Every statement gets an answer. A statement written in a
    review phase is seen by the group and the editors only until the editors publish the
    review."""

    class Recommendation(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        CONDITIONS = "conditions", _("Supports with conditions")
        OBJECTS = "objects", _("Objects")
        ABSTAINS = "abstains", _("Abstains")

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="statements",
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="statements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=STATEMENT_MAX_LENGTH)
    recommendation = models.CharField(
        _("recommendation"), max_length=12, choices=Recommendation.choices
    )
    resolution_date = models.DateField(_("resolved by the group on"))
    document = models.FileField(
        _("document (PDF)"), upload_to="statements/%Y/", blank=True, max_length=200
    )
    in_review = models.BooleanField(
        _("written in the review phase"),
        default=False,
        help_text=_("Public only once the editors have published the review."),
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["consultation", "-created_at"]

    def __str__(self) -> str:
        return f"{self.group}: {self.consultation}"


class ReviewComment(models.Model):
    """A group's internal discussion of a consultation in its review phase: visible to the
    group's members and the editors only, never published."""

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="review_comments",
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="review_comments"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=4000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["consultation", "group", "created_at"]

    def __str__(self) -> str:
        return f"{self.group}: {self.text[:40]}"


class Answer(models.Model):
    """The administration's answer to one contribution or one statement: what became of it
    and why. Shown publicly under the item; the result report counts them."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY = "partly", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope")

    contribution = models.OneToOneField(
        Contribution,
        verbose_name=_("contribution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer",
    )
    statement = models.OneToOneField(
        Statement,
        verbose_name=_("statement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer",
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), max_length=ANSWER_MAX_LENGTH)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(contribution__isnull=False, statement__isnull=True)
                    | Q(contribution__isnull=True, statement__isnull=False)
                ),
                name="answer_to_one_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.contribution or self.statement}"
