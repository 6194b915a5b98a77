"""Which open dataset publishes which consultation's result (`cms.services`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultDataset(models.Model):
    """A consultation's result in the open-data catalogue: its contributions (anonymous) and
    the administration's answers as a table and as geodata, kept up to date by
    `result_dataset_publish`. Deleting the dataset page ends the link; the next run writes a
    new one."""

    consultation = models.OneToOneField(
        "participation.ConsultationPage",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="result_dataset",
    )
    dataset = models.OneToOneField(
        "opendata.DatasetPage",
        verbose_name=_("dataset"),
        on_delete=models.CASCADE,
        related_name="consultation_result",
    )
    updated_at = models.DateTimeField(_("last checked"), auto_now=True)

    class Meta:
        verbose_name = _("result dataset")
        verbose_name_plural = _("result datasets")

    def __str__(self) -> str:
        return f"{self.consultation} → {self.dataset}"
