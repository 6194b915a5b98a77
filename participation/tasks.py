"""Notifications to participants, sent by Django tasks so a slow mail server never slows a
request. Tasks take ids, look the objects up again and do nothing when there is nothing to do."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from .models import Answer, Contribution


def _public_url(contribution: Contribution) -> str:
    """The contribution's address on the site, or "" while no site reaches its consultation
    (e.g. the page was moved): the news goes out all the same, without the link."""
    if contribution.consultation.url is None:
        return ""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + contribution.url


def _send(template: str, recipient: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"participation/email/{template}_subject.txt", context)
        body = render_to_string(f"participation/email/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [recipient])


@task()
def moderation_notify(*, contribution_id: int) -> bool:
    """Tell the author that their contribution was approved or removed (and why)."""
    contribution = (
        Contribution.objects.select_related("author", "consultation")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or contribution.author is None or not contribution.author.email:
        return False
    if contribution.status not in {Contribution.Status.PUBLISHED, Contribution.Status.REJECTED}:
        return False
    _send(
        "moderation",
        contribution.author.email,
        {"contribution": contribution, "url": _public_url(contribution)},
    )
    return True


@task()
def reply_notify(*, reply_id: int) -> bool:
    """Tell a contribution's author that someone replied (not when they replied themselves)."""
    reply = (
        Contribution.objects.select_related("reply_to__author", "author", "consultation")
        .filter(pk=reply_id, status=Contribution.Status.PUBLISHED)
        .first()
    )
    if reply is None or reply.reply_to is None:
        return False
    recipient = reply.reply_to.author
    if recipient is None or not recipient.email or recipient.pk == reply.author_id:
        return False
    _send("reply", recipient.email, {"reply": reply, "url": _public_url(reply)})
    return True


@task()
def answer_notify(*, answer_id: int, changed: bool = False) -> bool:
    """Tell the author of an answered contribution or statement what the administration
    answered (or that it changed the outcome). Only the item, the outcome and the reasons
    are sent: never who answered."""
    answer = (
        Answer.objects.select_related(
            "contribution__author",
            "contribution__consultation",
            "statement__author",
            "statement__consultation",
            "statement__group",
        )
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        return False
    item = answer.contribution or answer.statement
    recipient = item.author
    if recipient is None or not recipient.email or not recipient.is_active:
        return False
    if answer.contribution is not None:
        if answer.contribution.status != Contribution.Status.PUBLISHED:
            return False
        url = _public_url(answer.contribution)
    else:
        consultation = answer.statement.consultation
        url = (
            settings.WAGTAILADMIN_BASE_URL.rstrip("/") + consultation.url
            if consultation.live and consultation.url
            else ""
        )
    _send(
        "answer",
        recipient.email,
        {
            "answer": answer,
            "item": item,
            "statement": answer.statement,
            "consultation": item.consultation,
            "recipient": recipient,
            "changed": changed,
            "url": url,
        },
    )
    return True
