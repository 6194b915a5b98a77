from django.contrib.sitemaps import Sitemap

from .models import Area


class AreaSitemap(Sitemap):
    """Every area page, districts first."""

    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return Area.objects.defer("geometry").order_by("code")
