"""The administration's answers to contributions and statements: one answer per item, given
and changed by editors, the item's author told by e-mail."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Answer, Contribution, Statement, User
from ..models.groups import ANSWER_MAX_LENGTH

ADD_ANSWER = "participation.add_answer"
CHANGE_ANSWER = "participation.change_answer"


def answer_may_save(*, user: User | None, creating: bool) -> None:
    """Raise PermissionDenied unless `user` may give a new answer (`creating`) or change one."""
    permission = ADD_ANSWER if creating else CHANGE_ANSWER
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Please log in as an editor to answer."))
    if not user.has_perm(permission):
        if creating:
            raise PermissionDenied(_("You may not answer contributions and statements."))
        raise PermissionDenied(_("You may not change answers."))


def _check_item(item: Contribution | Statement) -> None:
    if isinstance(item, Statement):
        return
    if item.reply_to_id is not None:
        raise ValidationError(_("Replies are not answered: answer the contribution they reply to."))
    if item.status != Contribution.Status.PUBLISHED:
        raise ValidationError(
            _("Only published contributions are answered; this one is “%(status)s”.")
            % {"status": item.get_status_display()}
        )


def _clean_reasons(reasons: str) -> str:
    text = (reasons or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(
            {"reasons": _("Give the reasons: the answer explains what became of the item.")}
        )
    if len(text) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            {
                "reasons": _("The reasons are %(length)s characters long; at most %(maximum)s fit.")
                % {"length": len(text), "maximum": ANSWER_MAX_LENGTH}
            }
        )
    if "\x00" in text:
        raise ValidationError({"reasons": _("The text contains a NUL character.")})
    return text


@transaction.atomic
def answer_save(
    *, item: Contribution | Statement, outcome: str, reasons: str, user: User
) -> Answer:
    """Give the administration's answer to a published top-level contribution or to a
    statement, or change it (an item has one answer). Raises PermissionDenied (who) or
    ValidationError (what), storing nothing. The item's author is told by e-mail when the
    answer is given and whenever its outcome changes (not for a change of wording)."""
    from ..signals import answer_saved
    from ..tasks import answer_notify

    if not isinstance(item, Contribution | Statement):
        raise TypeError(f"Only contributions and statements are answered, not {item!r}.")
    if user is None or not (user.has_perm(ADD_ANSWER) or user.has_perm(CHANGE_ANSWER)):
        answer_may_save(user=user, creating=True)
    # The item's row is locked and read again: its status is checked as it is now, and two
    # editors answering at once save one after the other (the second changes the answer).
    item = type(item).objects.select_for_update().get(pk=item.pk)
    _check_item(item)
    field = "statement" if isinstance(item, Statement) else "contribution"
    answer = Answer.objects.select_for_update().filter(**{field: item}).first()
    answer_may_save(user=user, creating=answer is None)
    if outcome not in Answer.Outcome.values:
        raise ValidationError({"outcome": _("Choose what became of the item.")})
    reasons = _clean_reasons(reasons)
    if answer is None:
        answer = Answer.objects.create(
            **{field: item}, outcome=outcome, reasons=reasons, answered_by=user
        )
        news, changed = True, False
    else:
        news = changed = answer.outcome != outcome
        answer.outcome = outcome
        answer.reasons = reasons
        answer.answered_by = user
        answer.save(update_fields=["outcome", "reasons", "answered_by", "updated_at"])
    if news:
        transaction.on_commit(lambda: answer_notify.enqueue(answer_id=answer.pk, changed=changed))
    consultation = item.consultation
    transaction.on_commit(lambda: answer_saved.send(sender=Answer, consultation=consultation))
    return answer
