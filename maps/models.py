from django.contrib.gis.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """An administrative area of the LOR hierarchy: Bezirk → Prognoseraum → Bezirksregion →
    Planungsraum. Codes are hierarchical (a Planungsraum's code starts with its parents'),
    so one code names one area at whatever level it sits."""

    class Level(models.TextChoices):
        BEZIRK = "bezirk", _("District")
        PROGNOSERAUM = "prognoseraum", _("Forecast area")
        BEZIRKSREGION = "bezirksregion", _("District region")
        PLANUNGSRAUM = "planungsraum", _("Planning area")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    geometry = models.MultiPolygonField(_("outline"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("maps:area_detail", kwargs={"code": self.code})

    @property
    def ancestors(self) -> list["Area"]:
        """Parents from the top (the district) down; cheap when the selector joined them."""
        chain = []
        area = self.parent
        while area is not None:
            chain.append(area)
            area = area.parent
        return chain[::-1]
