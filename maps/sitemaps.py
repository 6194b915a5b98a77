from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Area


class AreaSitemap(Sitemap):
    """Every area page, districts first."""

    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return Area.objects.defer("geometry").order_by("code")


class AreaIndexSitemap(Sitemap):
    """The overview of all districts and areas."""

    changefreq = "yearly"
    priority = 0.5

    def items(self):
        return ["maps:area_index"]

    def location(self, item):
        return reverse(item)
