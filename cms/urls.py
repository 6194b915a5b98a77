from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import views
from maps.sitemaps import AreaIndexSitemap, AreaSitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("suche/", views.search, name="search"),
    path("gebiete/", include("maps.urls")),
    path("downloads/", include("opendata.urls")),
    path("", include("opendata.dcat.urls")),
    path("konto/", include("participation.account_urls")),
    path("gruppen/", include("participation.urls")),
    path("konto/", include("allauth.urls")),
    # CKAN's Action API (/api/3/action/…, /api/action/…) next to the REST API's /api/v1/.
    path("api/", include("opendata.ckan.urls")),
    path("api/v1/", include("cms.api_urls")),
    path(
        "sitemap.xml",
        sitemap,
        {
            "sitemaps": {
                "pages": PageSitemap,
                "area-index": AreaIndexSitemap(),
                "areas": AreaSitemap(),
            }
        },
        name="sitemap",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
