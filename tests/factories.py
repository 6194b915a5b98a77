from datetime import date, timedelta

import factory
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from cms.models import AccessibilityFeedback
from maps.models import Area
from participation.models import ConsultationIndexPage, ConsultationPage, Contribution, User


def site_root():
    """The default site's root page. A test with the live server empties the database after it,
    the site and root page the migrations made included: then they are made again."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    root = Page.get_first_root_node()
    if root is None:
        locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = root.add_child(instance=Page(title="Start", slug="start"))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def square(x: float, y: float, size: float = 0.01) -> MultiPolygon:
    """A small square MultiPolygon in WGS 84 with its south-west corner at (x, y)."""
    return MultiPolygon(
        Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))), srid=4326
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@private.example")
    display_name = factory.Sequence(lambda n: f"Nachbar {n}")
    password = factory.django.Password("correct horse battery staple")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n + 1:02d}")
    name = factory.Sequence(lambda n: f"Bezirk {n}")
    level = Area.Level.BEZIRK
    geometry = factory.Sequence(lambda n: square(13.3 + (n % 10) * 0.02, 52.5))


class AccessibilityFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessibilityFeedback

    category = AccessibilityFeedback.Category.KEYBOARD
    message = "Das Menü lässt sich nicht mit der Tastatur öffnen."
    email = "reporter@private.example"


def consultation_index() -> ConsultationIndexPage:
    """The consultation index under the default site's root page (created once)."""
    index = ConsultationIndexPage.objects.first()
    if index is None:
        root = site_root()
        index = root.add_child(
            instance=ConsultationIndexPage(title="Beteiligungen", slug="beteiligung")
        )
    return index


def make_consultation(*, areas=(), topics=(), **fields) -> ConsultationPage:
    """A live consultation open for contributions today (override any field)."""
    today = timezone.localdate()
    values = {
        "title": "Neue Beratungsstelle für Seniorinnen und Senioren",
        "summary": "Wo soll die neue Beratungsstelle entstehen?",
        "contributions_start": today - timedelta(days=7),
        "contributions_end": today + timedelta(days=21),
        "allow_point": True,
        "allow_line": True,
        "allow_polygon": True,
        "allow_no_place": True,
        **fields,
    }
    values.setdefault(
        "slug", slugify(values["title"])[:50] + f"-{ConsultationPage.objects.count()}"
    )
    page = consultation_index().add_child(instance=ConsultationPage(**values))
    if areas or topics:
        page.areas.set(areas)
        page.topics.set(topics)
        page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk)


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    consultation = factory.LazyFunction(make_consultation)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Hier fehlt eine Bank (Beitrag {n}).")
    category = Contribution.Category.SUGGESTION
    status = Contribution.Status.PUBLISHED
    geometry = factory.LazyFunction(lambda: Point(13.405, 52.52, srid=4326))


def staff_group(name: str, *codenames: str) -> Group:
    """A staff group with admin access and the named participation permissions."""
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="participation", codename__in=codenames),
    )
    return group


def catalogue_index():
    """The data catalogue page under the default site's root page (created once)."""
    from opendata.models import DatasetIndexPage

    index = DatasetIndexPage.objects.first()
    if index is None:
        root = site_root()
        index = root.add_child(instance=DatasetIndexPage(title="Daten", slug="daten"))
    return index


def make_dataset(**fields):
    """A published dataset page in the catalogue (created with its publisher when missing);
    `fields` override the defaults, e.g. `slug`, `title`, `licence`."""
    from opendata.models import DatasetPage, Organisation

    index = catalogue_index()
    publisher, _created = Organisation.objects.get_or_create(
        slug="statistik", defaults={"name": "Amt für Statistik"}
    )
    values = {
        "title": "Einwohner je Planungsraum",
        "slug": "einwohner",
        "description": "Melderechtlich registrierte Einwohnerinnen und Einwohner.",
        "publisher": publisher,
        "licence": "cc-by/4.0",
        "contact_name": "Amt für Statistik Berlin-Brandenburg",
        "issued": date(2022, 6, 30),
        **fields,
    }
    return index.add_child(instance=DatasetPage(**values))
