from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maps.geometry import GeometryError, geometry_from_geojson_text
from participation.models import ConsultationPage, Contribution, Support
from participation.services import (
    contribution_create,
    contribution_moderate,
    reply_create,
    report_create,
    support_toggle,
)
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(district):
    return make_consultation(areas=[district])


def create(consultation, author, **fields):
    values = {"text": "Hier fehlt eine Bank.", "category": "suggestion", **fields}
    return contribution_create(consultation=consultation, author=author, **values)


def test_point_inside_the_area_is_stored_with_its_area(consultation, district, user):
    contribution = create(consultation, user, geometry=Point(13.45, 52.55, srid=4326))
    assert contribution.area == district
    assert contribution.status == Contribution.Status.PUBLISHED


def test_pre_moderated_contribution_waits(district, user):
    consultation = make_consultation(areas=[district], moderation=ConsultationPage.Moderation.PRE)
    assert create(consultation, user).status == Contribution.Status.PENDING


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"geometry": Point(13.2, 52.55, srid=4326)}, "geometry", "outside the consultation area"),
        ({"text": "   "}, "text", "empty"),
        ({"text": "x" * 4001}, "text", "at most 4000"),
        ({"category": "rant"}, "category", "Choose a category"),
    ],
)
def test_bad_contribution_is_rejected_with_message(consultation, user, fields, field, message):
    with pytest.raises(ValidationError) as error:
        create(consultation, user, **fields)
    assert message in " ".join(error.value.message_dict[field])
    assert not Contribution.objects.exists()


def test_kind_not_allowed_is_rejected(district, user):
    consultation = make_consultation(areas=[district], allow_line=False)
    line = LineString((13.41, 52.51), (13.42, 52.52), srid=4326)
    with pytest.raises(ValidationError) as error:
        create(consultation, user, geometry=line)
    assert "A line is not possible here" in error.value.message_dict["geometry"][0]


def test_place_required_when_no_place_is_not_allowed(district, user):
    consultation = make_consultation(areas=[district], allow_no_place=False)
    with pytest.raises(ValidationError) as error:
        create(consultation, user)
    assert "location" in error.value.message_dict


def test_area_outside_the_consultation_is_rejected(consultation, area_factory, user):
    elsewhere = area_factory(code="03", name="Pankow")
    with pytest.raises(ValidationError) as error:
        create(consultation, user, area=elsewhere)
    assert "Pankow lies outside" in error.value.message_dict["area"][0]


def test_child_area_of_the_consultation_is_accepted(consultation, district, area_factory, user):
    child = area_factory(code="0201", name="Kreuzberg", level="prognoseraum", parent=district)
    assert create(consultation, user, area=child).area == child


def test_contribution_after_the_phase_ended_is_refused(district, user):
    today = timezone.localdate()
    consultation = make_consultation(
        areas=[district],
        contributions_start=today - timedelta(days=30),
        contributions_end=today - timedelta(days=1),
    )
    with pytest.raises(PermissionDenied, match="Evaluation phase"):
        create(consultation, user)
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid GeoJSON"),
        ('{"type": "Point", "coordinates": [200, 52]}', "outside the range"),
        ('{"type": "Point", "coordinates": ["a", 52]}', "pair of numbers"),
        ('{"type": "Circle", "coordinates": [13, 52]}', "Unknown kind"),
        ('{"type": "MultiPoint", "coordinates": [[13, 52], [13.1, 52]]}', "not several"),
        (
            '{"type": "Polygon", "coordinates": [[[13.4,52.5],[13.5,52.6],[13.5,52.5],'
            "[13.4,52.6],[13.4,52.5]]]}",
            "crosses itself",
        ),
        ('{"type": "Polygon", "coordinates": [[[13.4,52.5],[13.5,52.6],[13.5,52.5]]]}', "Too few"),
    ],
)
def test_bad_geojson_is_explained(text, message):
    with pytest.raises(GeometryError, match=message):
        geometry_from_geojson_text(text)


def test_single_member_multipoint_is_a_point():
    geometry = geometry_from_geojson_text('{"type": "MultiPoint", "coordinates": [[13.4, 52.5]]}')
    assert geometry.geom_type == "Point"


def test_polygon_inside_the_area_is_accepted(consultation, user):
    polygon = Polygon(((13.41, 52.51), (13.42, 52.51), (13.42, 52.52), (13.41, 52.51)), srid=4326)
    assert create(consultation, user, geometry=polygon).geometry.geom_type == "Polygon"


def test_support_toggles_and_counts(consultation, user, user_factory):
    contribution = create(consultation, user_factory())
    assert support_toggle(contribution=contribution, user=user) is True
    contribution.refresh_from_db()
    assert contribution.support_count == 1
    assert support_toggle(contribution=contribution, user=user) is False
    contribution.refresh_from_db()
    assert contribution.support_count == 0
    assert not Support.objects.exists()


def test_own_contribution_cannot_be_supported(consultation, user):
    contribution = create(consultation, user)
    with pytest.raises(ValidationError):
        support_toggle(contribution=contribution, user=user)


def test_reply_to_a_reply_goes_to_the_parent(consultation, user, user_factory):
    parent = create(consultation, user)
    reply = reply_create(parent=parent, author=user_factory(), text="Gute Idee!")
    second = reply_create(parent=reply, author=user, text="Danke!")
    assert second.reply_to == parent


def test_reply_notifies_the_parent_author(
    consultation, user, user_factory, mailoutbox, django_capture_on_commit_callbacks
):
    parent = create(consultation, user)
    replier = user_factory(display_name="Bank-Freundin")
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(parent=parent, author=replier, text="Gute Idee!")
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert "Bank-Freundin" in mailoutbox[0].body
    assert replier.email not in mailoutbox[0].body


def test_report_twice_is_refused(consultation, user, user_factory):
    contribution = create(consultation, user_factory())
    report_create(contribution=contribution, reporter=user, reason="Beleidigend")
    with pytest.raises(ValidationError, match="already reported"):
        report_create(contribution=contribution, reporter=user, reason="Nochmal")


def test_reject_needs_a_reason_and_notifies(
    district, user, user_factory, mailoutbox, django_capture_on_commit_callbacks
):
    consultation = make_consultation(areas=[district], moderation=ConsultationPage.Moderation.PRE)
    contribution = create(consultation, user)
    moderator = user_factory()
    with pytest.raises(ValidationError):
        contribution_moderate(contributions=[contribution], moderator=moderator, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(
            contributions=[contribution], moderator=moderator, approve=False, reason="Werbung"
        )
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.REJECTED
    assert contribution.moderation_reason == "Werbung"
    assert len(mailoutbox) == 1
    assert "Werbung" in mailoutbox[0].body
