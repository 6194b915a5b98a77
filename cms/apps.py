from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The Wagtail site: home, content pages, navigation, settings, search, accessibility."""

    name = "cms"
    verbose_name = _("Website")

    def ready(self):
        from participation.signals import answer_saved

        answer_saved.connect(_republish_result, dispatch_uid="cms.result_dataset")


def _republish_result(sender, *, consultation, **kwargs):
    """An answer given or changed after the result date updates the result dataset."""
    from cms.tasks import result_dataset_update
    from participation.models import Phase

    if consultation.phase == Phase.RESULT:
        result_dataset_update.enqueue(consultation_id=consultation.pk)
