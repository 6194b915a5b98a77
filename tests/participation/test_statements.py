from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from django.utils.text import slugify

from participation.models import Group, Membership, Proposal, Statement
from participation.services.statements import statement_create
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def make_group(name: str = "Seniorenvertretung Kreuzberg") -> Group:
    return Group.objects.create(name=name, slug=slugify(name), kind="self_help")


def join(group: Group, user, role: str = Membership.Role.MEMBER, status: str = "active"):
    return Membership.objects.create(group=group, user=user, role=role, status=status)


def make_review_consultation(*groups, **fields):
    """A live consultation in its review phase today, with these groups invited."""
    page = make_consultation(
        review_start=TODAY - timedelta(days=3),
        review_end=TODAY + timedelta(days=3),
        contributions_start=TODAY + timedelta(days=10),
        contributions_end=TODAY + timedelta(days=30),
        **fields,
    )
    page.invited_groups.set(groups)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


@pytest.fixture
def group():
    return make_group()


@pytest.fixture
def spokesperson(group, user_factory):
    user = user_factory()
    join(group, user, Membership.Role.SPOKESPERSON)
    return user


@pytest.fixture
def consultation():
    return make_consultation()


def create(consultation, group, author, **fields):
    values = {
        "text": "Wir begrüßen den Standort.",
        "recommendation": Statement.Recommendation.SUPPORTS,
        "resolution_date": TODAY - timedelta(days=1),
        **fields,
    }
    return statement_create(consultation=consultation, group=group, author=author, **values)


def stored_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "statements"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


# Who may publish ---------------------------------------------------------------------------


def test_spokesperson_publishes_a_public_statement(consultation, group, spokesperson):
    statement = create(consultation, group, spokesperson)
    assert statement.group == group
    assert not statement.in_review


def test_member_who_is_not_spokesperson_may_not_publish(consultation, group, user_factory):
    member = user_factory()
    join(group, member)
    with pytest.raises(PermissionDenied, match="Only a spokesperson"):
        create(consultation, group, member)
    assert not Statement.objects.exists()


def test_requested_spokesperson_may_not_publish(consultation, group, user_factory):
    person = user_factory()
    join(group, person, Membership.Role.SPOKESPERSON, Membership.Status.REQUESTED)
    with pytest.raises(PermissionDenied):
        create(consultation, group, person)


def test_outsider_may_not_publish(consultation, group, user_factory):
    with pytest.raises(PermissionDenied):
        create(consultation, group, user_factory())


def test_statement_in_review_is_marked_and_needs_an_invited_group(group, spokesperson):
    other = make_group("Fahrradclub")
    consultation = make_review_consultation(other)
    with pytest.raises(PermissionDenied, match="not invited"):
        create(consultation, group, spokesperson)
    consultation.invited_groups.add(group)
    consultation.save_revision().publish()
    consultation.refresh_from_db()
    assert create(consultation, group, spokesperson).in_review


def test_no_statements_after_contributions_closed(group, spokesperson):
    consultation = make_consultation(
        contributions_start=TODAY - timedelta(days=20),
        contributions_end=TODAY - timedelta(days=1),
    )
    with pytest.raises(PermissionDenied, match="Statements are closed"):
        create(consultation, group, spokesperson)


def test_resolution_date_in_the_future_is_refused(consultation, group, spokesperson):
    with pytest.raises(ValidationError) as error:
        create(consultation, group, spokesperson, resolution_date=TODAY + timedelta(days=1))
    assert "future" in str(error.value.message_dict["resolution_date"])


def test_proposal_of_another_consultation_is_refused(consultation, group, spokesperson):
    other = make_consultation(title="Anderes")
    proposal = Proposal.objects.create(consultation=other, title="Park", description="Ein Park")
    with pytest.raises(ValidationError):
        create(consultation, group, spokesperson, proposal=proposal)


# The PDF document ---------------------------------------------------------------------------


def test_pdf_is_stored_with_the_statement(consultation, group, spokesperson, settings):
    document = SimpleUploadedFile("beschluss.pdf", PDF, content_type="application/pdf")
    statement = create(consultation, group, spokesperson, document=document)
    assert statement.document.name.endswith(".pdf")
    assert statement.document.read().startswith(b"%PDF-")


def test_file_named_pdf_that_is_no_pdf_is_refused_and_nothing_stored(
    consultation, group, spokesperson, settings
):
    before = stored_files(settings)
    document = SimpleUploadedFile("beschluss.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as error:
        create(consultation, group, spokesperson, document=document)
    assert "not a PDF" in error.value.message_dict["document"][0]
    assert not Statement.objects.exists()
    assert stored_files(settings) == before


@override_settings(STATEMENT_MAX_UPLOAD_BYTES=1024)
def test_too_large_pdf_is_refused_and_nothing_stored(consultation, group, spokesperson, settings):
    before = stored_files(settings)
    document = SimpleUploadedFile("beschluss.pdf", PDF + b"0" * 2048, "application/pdf")
    with pytest.raises(ValidationError) as error:
        create(consultation, group, spokesperson, document=document)
    assert "at most" in error.value.message_dict["document"][0]
    assert not Statement.objects.exists()
    assert stored_files(settings) == before


# The form ---------------------------------------------------------------------------------


def form_data(group, **fields):
    return {
        "group": group.pk,
        "text": "Wir empfehlen den Standort am Park.",
        "recommendation": "conditions",
        "resolution_date": (TODAY - timedelta(days=2)).isoformat(),
        **fields,
    }


def test_form_publishes_and_shows_the_statement(client, consultation, group, spokesperson):
    client.force_login(spokesperson)
    response = client.post(consultation.url + "stellungnahme/", form_data(group))
    statement = Statement.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"stellungnahmen/{statement.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "Wir empfehlen den Standort am Park." in page
    assert "Supports with conditions" in page
    assert "Supports with conditions" in client.get(consultation.url).content.decode()


def test_form_errors_are_summarised_and_the_text_is_kept(client, consultation, group, spokesperson):
    client.force_login(spokesperson)
    fake = SimpleUploadedFile("beschluss.pdf", b"GIF89a", content_type="application/pdf")
    response = client.post(
        consultation.url + "stellungnahme/",
        form_data(group, resolution_date=(TODAY + timedelta(days=5)).isoformat(), document=fake),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "The resolution date cannot be in the future." in html
    assert "Wir empfehlen den Standort am Park." in html
    assert not Statement.objects.exists()
    fake = SimpleUploadedFile("beschluss.pdf", b"GIF89a", content_type="application/pdf")
    response = client.post(consultation.url + "stellungnahme/", form_data(group, document=fake))
    assert "The file is not a PDF document." in response.content.decode()


def test_form_offers_a_choice_only_to_spokespersons_of_several_groups(
    client, consultation, group, spokesperson
):
    client.force_login(spokesperson)
    html = client.get(consultation.url + "stellungnahme/").content.decode()
    assert '<select name="group"' not in html
    join(make_group("Fahrradclub"), spokesperson, Membership.Role.SPOKESPERSON)
    html = client.get(consultation.url + "stellungnahme/").content.decode()
    assert '<select name="group"' in html
    assert "<legend" in html  # the recommendation is a group of radio buttons


def test_member_sees_why_they_cannot_publish(client, consultation, group, user_factory):
    member = user_factory()
    join(group, member)
    client.force_login(member)
    response = client.get(consultation.url + "stellungnahme/")
    assert "Only the spokesperson of a group" in response.content.decode()
    assert client.post(consultation.url + "stellungnahme/", form_data(group)).status_code == 200
    assert not Statement.objects.exists()


def test_anonymous_is_sent_to_the_login(client, consultation):
    response = client.get(consultation.url + "stellungnahme/?vorschlag=1")
    assert response.status_code == 302
    assert "login" in response["Location"] or "konto" in response["Location"]


def test_statement_appears_on_its_proposal_page(client, consultation, group, spokesperson):
    proposal = Proposal.objects.create(consultation=consultation, title="Park", description="x")
    create(consultation, group, spokesperson, proposal=proposal, recommendation="objects")
    html = client.get(consultation.url + f"vorschlaege/{proposal.pk}/").content.decode()
    assert "Statements of groups" in html
    assert "Objects" in html
