"""What changes the site's own records."""

from django.db import transaction

from cms.models import AccessibilityFeedback
from cms.tasks import accessibility_feedback_notify


@transaction.atomic
def accessibility_feedback_create(
    *, category: str, message: str, page_url: str = "", name: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Store a barrier report and, once it is committed, notify the editors."""
    feedback = AccessibilityFeedback.objects.create(
        category=category, message=message, page_url=page_url, name=name, email=email
    )
    transaction.on_commit(lambda: accessibility_feedback_notify.enqueue(feedback_id=feedback.pk))
    return feedback
