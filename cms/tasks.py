"""Background work of the site. Tasks are idempotent and take ids, not objects."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task
from wagtail.models import Site

EDITOR_GROUPS = ("Editors", "Moderators")


def feedback_recipients() -> list[str]:
    """The configured feedback address and every active editor's."""
    from cms.models import SiteSettings

    recipients = set()
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        address = SiteSettings.for_site(site).feedback_email
        if address:
            recipients.add(address)
    editors = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=EDITOR_GROUPS)
        .exclude(email="")
    )
    recipients.update(editors.values_list("email", flat=True))
    return sorted(recipients)


@task()
def accessibility_feedback_notify(*, feedback_id: int) -> int:
    """E-mail a new barrier report to the editors; returns the number of recipients."""
    from cms.models import AccessibilityFeedback

    feedback = AccessibilityFeedback.objects.filter(pk=feedback_id).first()
    recipients = feedback_recipients()
    if feedback is None or not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
            "accessibility_feedback:inspect", args=[feedback.pk]
        )
        context = {"feedback": feedback, "admin_url": admin_url}
        subject = render_to_string("cms/email/feedback_subject.txt", context).strip()
        body = render_to_string("cms/email/feedback_body.txt", context)
    send_mail(subject, body, None, recipients)
    return len(recipients)


@task()
def result_dataset_update(*, consultation_id: int) -> int:
    """Bring a consultation's result dataset up to date (after an answer changed); returns
    the number of new versions."""
    from cms.services import NoCatalogue, result_dataset_publish
    from participation.models import ConsultationPage, Phase

    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    if consultation is None or consultation.phase != Phase.RESULT or not consultation.live:
        return 0
    try:
        return result_dataset_publish(consultation=consultation).versions
    except NoCatalogue:
        return 0
