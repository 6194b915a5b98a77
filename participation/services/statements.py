"""Statements of groups and the review phase: publishing a statement, a group's internal
discussion, and the editors publishing the review."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision

from ..models import ConsultationPage, Group, Phase, Proposal, ReviewComment, Statement, User
from ..models.groups import STATEMENT_MAX_LENGTH
from ..selectors.groups import is_active_member, is_active_spokesperson
from ..selectors.review import invited_group_ids, is_editor
from . import _clean_text

PDF_MAGIC = b"%PDF-"
REVIEW_COMMENT_MAX_LENGTH = 4000
# Statements are taken in the review phase (invited groups) and until contributions close.
STATEMENT_PHASES = (Phase.REVIEW, Phase.INFORMATION, Phase.CONTRIBUTIONS)


def statement_may_publish(*, consultation: ConsultationPage, group: Group, user: User) -> None:
    """Raise PermissionDenied with the reason when `user` may not publish a statement of
    `group` on `consultation` now."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Please log in to publish a statement."))
    if not user.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    if not is_active_spokesperson(group=group, user=user):
        raise PermissionDenied(
            _("Only a spokesperson of %(group)s may publish its statements.") % {"group": group}
        )
    phase = consultation.phase
    if phase not in STATEMENT_PHASES:
        raise PermissionDenied(
            _("Statements are closed: this consultation is in its %(phase)s phase.")
            % {"phase": phase.label}
        )
    invited_only = (
        phase == Phase.REVIEW
        or consultation.contributors == ConsultationPage.Contributors.INVITED_GROUPS
    )
    if invited_only and group.pk not in invited_group_ids(consultation):
        raise PermissionDenied(
            _("%(group)s is not invited: only invited groups may publish statements now.")
            % {"group": group}
        )


def _check_document(document: UploadedFile) -> None:
    limit = settings.STATEMENT_MAX_UPLOAD_BYTES
    if document.size > limit:
        raise ValidationError(
            {
                "document": _(
                    "The file is %(size)s MB; at most %(limit)s MB can be uploaded."
                    " Make it smaller or leave it out."
                )
                % {
                    "size": f"{document.size / 1024 / 1024:.1f}",
                    "limit": f"{limit / 1024 / 1024:.0f}",
                }
            }
        )
    document.seek(0)
    start = document.read(len(PDF_MAGIC))
    document.seek(0)
    if start != PDF_MAGIC:
        raise ValidationError(
            {"document": _("The file is not a PDF document. Choose a PDF file (.pdf).")}
        )


@transaction.atomic
def statement_create(
    *,
    consultation: ConsultationPage,
    group: Group,
    author: User,
    text: str,
    recommendation: str,
    resolution_date: date | None,
    proposal: Proposal | None = None,
    document: UploadedFile | None = None,
) -> Statement:
    """A group's statement, published by one of its spokespersons. In the review phase only
    invited groups may publish, and the statement stays with the group and the editors until
    the review is published (`in_review`). Raises PermissionDenied (who/when) or
    ValidationError (what), storing nothing — no file either."""
    statement_may_publish(consultation=consultation, group=group, user=author)
    text = _clean_text(text, field="text", maximum=STATEMENT_MAX_LENGTH)
    if recommendation not in Statement.Recommendation.values:
        raise ValidationError({"recommendation": _("Choose the group's recommendation.")})
    if resolution_date is None:
        raise ValidationError(
            {"resolution_date": _("Give the date on which the group resolved the statement.")}
        )
    if resolution_date > timezone.localdate():
        raise ValidationError(
            {"resolution_date": _("The resolution date cannot be in the future.")}
        )
    if proposal is not None and proposal.consultation_id != consultation.pk:
        raise ValidationError({"proposal": _("This proposal belongs to another consultation.")})
    if document is not None:
        _check_document(document)
    statement = Statement(
        consultation=consultation,
        proposal=proposal,
        group=group,
        author=author,
        text=text,
        recommendation=recommendation,
        resolution_date=resolution_date,
        in_review=consultation.phase == Phase.REVIEW,
    )
    statement.save()
    if document is None:
        return statement
    # The file is stored last, once everything else is saved, and removed again if the
    # statement cannot keep it.
    statement.document.save(f"stellungnahme-{group.slug}-{statement.pk}.pdf", document, save=False)
    try:
        statement.save(update_fields=["document"])
    except Exception:
        statement.document.storage.delete(statement.document.name)
        raise
    return statement


@transaction.atomic
def review_comment_create(
    *,
    consultation: ConsultationPage,
    group: Group,
    author: User,
    text: str,
    proposal: Proposal | None = None,
) -> ReviewComment:
    """A comment in a group's internal discussion of a consultation in its review phase,
    written by an active member of an invited group. Never published."""
    if author is None or not author.is_authenticated or not author.is_active:
        raise PermissionDenied(_("Please log in to take part in the discussion."))
    if group.pk not in invited_group_ids(consultation):
        raise PermissionDenied(_("%(group)s is not invited to this review.") % {"group": group})
    if not is_active_member(group=group, user=author):
        raise PermissionDenied(
            _("Only members of %(group)s take part in its discussion.") % {"group": group}
        )
    if not consultation.in_review:
        raise PermissionDenied(_("The review phase is over: the discussion is closed."))
    text = _clean_text(text, field="text", maximum=REVIEW_COMMENT_MAX_LENGTH)
    if proposal is not None and proposal.consultation_id != consultation.pk:
        raise ValidationError({"proposal": _("This proposal belongs to another consultation.")})
    return ReviewComment.objects.create(
        consultation=consultation, group=group, author=author, text=text, proposal=proposal
    )


@transaction.atomic
def review_publish(*, consultation: ConsultationPage, user: User) -> ConsultationPage:
    """Publish the review: the statements written in the review phase become public (the
    consultation itself is public once its review phase has ended). The groups' discussions
    stay internal. Only the consultation's editors may do this, once."""
    if not is_editor(user, consultation):
        raise PermissionDenied(_("Only the consultation's editors may publish the review."))
    if consultation.review_end is None:
        raise ValidationError(_("This consultation has no review phase."))
    if consultation.review_published_at is not None:
        raise ValidationError(_("The review is already published."))
    now = timezone.now()
    ConsultationPage.objects.filter(pk=consultation.pk).update(review_published_at=now)
    # Keep it in the latest revision too, so that the next publication from the editor does
    # not take it back.
    if consultation.latest_revision_id:
        revision = Revision.objects.select_for_update().get(pk=consultation.latest_revision_id)
        revision.content["review_published_at"] = now.isoformat()
        revision.save(update_fields=["content"])
    consultation.review_published_at = now
    return consultation
