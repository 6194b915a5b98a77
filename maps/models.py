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


class Address(models.Model):
    """A postal address and the planning area (Planungsraum) it lies in. Addresses carry no
    coordinates: they let people name a place without a map, and resolve it to an area."""

    street = models.CharField(_("street"), max_length=120)
    house_number = models.CharField(_("house number"), max_length=12)
    postcode = models.CharField(_("postcode"), max_length=5)
    locality = models.CharField(_("locality"), max_length=80)
    area = models.ForeignKey(
        Area, verbose_name=_("planning area"), on_delete=models.PROTECT, related_name="addresses"
    )
    # Normalised street and zero-padded house number (maps.sources.address_search_key): one
    # index answers both the prefix search and the order "1, 1A, 2, 10".
    search_key = models.CharField(max_length=140, db_index=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["search_key", "postcode"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "house_number", "postcode"], name="unique_postal_address"
            )
        ]

    def __str__(self) -> str:
        street = f"{self.street} {self.house_number}".strip()
        return f"{street}, {self.postcode} {self.locality}"


class SourceImport(models.Model):
    """When a reference file was last imported, and its checksum, so an unchanged file is not
    imported again."""

    name = models.CharField(max_length=50, unique=True)
    checksum = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.rows})"
