import io
import re

import pytest
from django.core.management import call_command
from wagtail.models import Page

from maps.models import Address, Area
from maps.sources import address_search_key
from participation.models import (
    ConsultationIndexPage,
    ConsultationPage,
    Contribution,
    Phase,
    Proposal,
    Support,
    Topic,
    User,
)

pytestmark = pytest.mark.django_db

SENIORS = "beratungsstelle-senioren-friedrichshain-kreuzberg"
YOUTH = "jugendfreizeiteinrichtungen-gropiusstadt"
TOWN_HALL = "stufenlose-wege-rathaus-schoeneberg"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", no_progress=True, no_addresses=True, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Page, Proposal, Contribution, Support, Topic, User)
    }


def consultation(slug: str) -> ConsultationPage:
    return ConsultationPage.objects.get(slug=slug)


def test_demo_has_three_consultations_in_the_index_with_their_phases(demo_site):
    index = ConsultationIndexPage.objects.get()
    assert (index.slug, index.show_in_menus, index.live) == ("beteiligung", True, True)
    assert index.get_prev_sibling() is None  # first in the main navigation
    phases = {page.slug: page.phase for page in ConsultationPage.objects.child_of(index).live()}
    assert phases == {
        SENIORS: Phase.CONTRIBUTIONS,
        YOUTH: Phase.CONTRIBUTIONS,
        TOWN_HALL: Phase.EVALUATION,
    }
    youth = consultation(YOUTH)
    assert youth.moderation == ConsultationPage.Moderation.PRE
    assert youth.geometry_kinds == ["Point", "Polygon"] and youth.allow_no_place
    assert consultation(TOWN_HALL).geometry_kinds == ["Point", "LineString"]
    assert [area.code for area in youth.areas.all()] == ["0830"]
    for page in ConsultationPage.objects.all():
        assert page.easy_language_summary and page.easy_language_body
        assert page.topics.exists()


def test_proposals_lie_inside_their_consultation_area(demo_site):
    for page in ConsultationPage.objects.all():
        proposals = list(page.proposals.all())
        assert len(proposals) == 4
        for proposal in proposals:
            assert page.consultation_area.covers(proposal.geometry), proposal.title
            assert proposal.area is not None


def test_care_home_proposal_is_at_the_reprojected_facility(demo_site):
    """Seniorenzentrum Bethel Friedrichshain, Andreasstraße 21: (393626.749, 5819332.372) in
    EPSG:25833 is 13.4324545 E, 52.5137154 N in WGS 84 (the transverse Mercator inverse on
    GRS80 by Krüger's series, agreeing with gdaltransform to 1e-8 degrees)."""
    proposal = Proposal.objects.get(title="Standort Andreasstraße (Friedrichshain)")
    assert proposal.geometry.srid == 4326
    assert proposal.geometry.x == pytest.approx(13.4324545, abs=1e-5)
    assert proposal.geometry.y == pytest.approx(52.5137154, abs=1e-5)
    assert proposal.area.code == "0240"  # the smallest area with an outline: Friedrichshain West


def test_youth_centre_proposals_are_the_forecast_areas_youth_centres(demo_site):
    titles = set(consultation(YOUTH).proposals.values_list("title", flat=True))
    assert titles == {
        "Stadtvilla Global",
        "Jugendfreizeiteinrichtung UFO",
        "Jugendzentrum Wutzkyallee",
        "Mädchentreff Gropiusstadt",
    }


def test_contributions_of_every_location_kind_exist(demo_site):
    top_level = Contribution.objects.filter(reply_to__isnull=True)
    assert top_level.count() >= 30
    kinds = {c.geometry.geom_type for c in top_level.filter(geometry__isnull=False)}
    assert kinds == {"Point", "LineString", "Polygon"}
    chosen = top_level.filter(geometry__isnull=True, area__isnull=False)
    assert chosen.exclude(area__level="planungsraum").exists()  # chosen from the list
    by_address = chosen.get(text__startswith="Wir pflegen meinen Schwiegervater")
    assert by_address.area.code == "02200210"  # Zossener Straße 10
    assert top_level.filter(geometry__isnull=True, area__isnull=True).exists()
    assert set(top_level.values_list("category", flat=True)) == set(Contribution.Category.values)
    # A place on the map is stored with the area it lies in.
    assert not top_level.filter(geometry__isnull=False, area__isnull=True).exists()


def test_address_is_resolved_through_the_imported_address_list():
    call_command("import_areas", no_progress=True, stdout=io.StringIO())
    # A made-up planning area for a real address: the list wins over the demo file's fallback.
    Address.objects.create(
        street="Zossener Straße",
        house_number="10",
        postcode="10961",
        locality="Kreuzberg",
        area=Area.objects.get(code="02200211"),
        search_key=address_search_key("Zossener Straße", "10"),
    )
    load_demo()
    contribution = Contribution.objects.get(text__startswith="Wir pflegen meinen Schwiegervater")
    assert contribution.area.code == "02200211"


def test_contributions_have_replies_supports_and_several_authors(demo_site):
    assert Contribution.objects.filter(reply_to__isnull=False).count() >= 5
    assert Support.objects.count() >= 30
    for contribution in Contribution.objects.filter(support_count__gt=0):
        assert contribution.supports.count() == contribution.support_count
    authors = User.objects.filter(contributions__isnull=False).distinct()
    assert authors.count() >= 6
    assert all(author.display_name for author in authors)
    assert all(author.email.endswith("@quartier.example") for author in authors)


def test_pre_moderated_consultation_has_pending_and_one_rejected_contribution(demo_site):
    contributions = consultation(YOUTH).contributions
    statuses = list(contributions.values_list("status", flat=True))
    assert statuses.count(Contribution.Status.PENDING) >= 2
    rejected = contributions.get(status=Contribution.Status.REJECTED)
    assert rejected.moderation_reason.startswith("Entfernt: Werbung")
    assert rejected.moderated_by.username == "moderator"
    published = contributions.filter(status=Contribution.Status.PUBLISHED)
    assert published.count() >= 8
    assert not published.filter(moderated_at__isnull=True).exists()


def test_contributions_are_dated_within_their_phase(demo_site):
    for page in ConsultationPage.objects.all():
        for contribution in page.contributions.all():
            day = contribution.created_at.date()
            assert page.contributions_start <= day <= page.contributions_end


def test_second_load_creates_nothing():
    load_demo()
    before = counts()
    assert "consultation pages created: none" in load_demo()
    assert counts() == before


def test_deleted_consultation_is_written_again_with_its_contributions(demo_site):
    before = counts()
    consultation(TOWN_HALL).delete()
    assert "consultation pages created: Stufenlose Wege" in load_demo()
    assert counts() == before


def test_no_demo_text_contains_an_email_address(demo_site):
    texts = list(Contribution.objects.values_list("text", "moderation_reason"))
    texts += Proposal.objects.values_list("title", "description")
    texts += User.objects.values_list("display_name", "username")
    for page in ConsultationPage.objects.all():
        texts.append(
            (
                page.title,
                page.summary,
                page.easy_language_summary,
                str(page.body),
                str(page.easy_language_body),
            )
        )
    index = ConsultationIndexPage.objects.get()
    texts.append((index.intro, str(index.easy_language_body)))
    for row in texts:
        for text in row:
            assert not EMAIL.search(text), text


def test_without_demo_password_the_consultations_come_without_contributions(settings):
    settings.DEMO_PASSWORD = ""
    assert "no contributions" in load_demo()
    assert ConsultationPage.objects.count() == 3
    assert Proposal.objects.count() == 12
    assert not Contribution.objects.exists()
    assert not User.objects.exists()
    settings.DEMO_PASSWORD = "demo-passwort-123"
    load_demo()  # the accounts appear later: the contributions follow
    assert Contribution.objects.count() > 30
    assert User.objects.get(username="helga").check_password("demo-passwort-123")


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_mails_nobody(mailoutbox):
    load_demo()
    assert Contribution.objects.filter(moderated_at__isnull=False).exists()
    assert mailoutbox == []
