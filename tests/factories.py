import factory
from django.contrib.gis.geos import MultiPolygon, Polygon

from cms.models import AccessibilityFeedback
from maps.models import Area
from participation.models import User


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
