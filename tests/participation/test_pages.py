from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from participation.models import ConsultationPage, Phase
from tests.factories import consultation_index, make_consultation, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(user_factory):
    return user_factory(is_staff=True, is_superuser=True)


def test_editor_creates_a_consultation_in_the_admin(client, editor, area_factory):
    district = area_factory(code="02", geometry=square(13.4, 52.5, 0.1))
    index = consultation_index()
    client.force_login(editor)
    url = f"/admin/pages/add/participation/consultationpage/{index.pk}/"
    form = client.get(url)
    assert form.status_code == 200
    assert b"leaflet" in form.content
    today = timezone.localdate()
    data = nested_form_data(
        {
            "title": "Spielplatz am Ufer",
            "slug": "spielplatz-am-ufer",
            "summary": "Wo soll der Spielplatz hin?",
            "body": streamfield([]),
            "easy_language_body": streamfield([]),
            "documents": inline_formset([]),
            "contributions_start": today.isoformat(),
            "contributions_end": (today + timedelta(days=10)).isoformat(),
            "contributors": "registered",
            "moderation": "post",
            "allow_point": "on",
            "allow_no_place": "on",
            "action-publish": "publish",
        }
    )
    data["areas"] = [district.pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    page = ConsultationPage.objects.get(slug="spielplatz-am-ufer")
    assert page.live
    assert page.phase == Phase.CONTRIBUTIONS
    assert page.consultation_area.equals(district.geometry)


def test_phase_dates_must_be_in_order(area_factory):
    today = timezone.localdate()
    page = ConsultationPage(
        title="x",
        summary="x",
        contributions_start=today,
        contributions_end=today - timedelta(days=1),
        result_date=today - timedelta(days=2),
        allow_point=False,
        allow_no_place=False,
    )
    with pytest.raises(Exception) as error:
        page.clean()
    assert set(error.value.message_dict) == {"contributions_end", "result_date", "allow_no_place"}


def test_phases_follow_the_dates():
    today = timezone.localdate()
    page = make_consultation(
        contributions_start=today + timedelta(days=1),
        contributions_end=today + timedelta(days=5),
        result_date=today + timedelta(days=9),
    )
    assert page.phase_on(today) == Phase.INFORMATION
    assert page.phase_on(today + timedelta(days=5)) == Phase.CONTRIBUTIONS
    assert page.phase_on(today + timedelta(days=6)) == Phase.EVALUATION
    assert page.phase_on(today + timedelta(days=9)) == Phase.RESULT
    assert [p["state"] for p in page.phases] == ["current", "future", "future", "future"]


def test_home_page_lists_open_consultations(client, demo_site):
    make_consultation(title="Offene Beteiligung zum Test")
    html = client.get("/").content.decode()
    assert "Offene Beteiligung zum Test" in html
