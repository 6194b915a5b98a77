import pytest
from django.core import mail

from cms.models import AccessibilityFeedback
from cms.services import accessibility_feedback_create
from participation.models import User

pytestmark = pytest.mark.django_db

VALID = {
    "category": "keyboard",
    "message": "Das Menü lässt sich nicht mit der Tastatur öffnen.",
    "page_url": "/ueber-quartier/",
    "name": "",
    "email": "melderin@private.example",
}


def test_feedback_is_stored_and_editors_are_notified(demo_site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = accessibility_feedback_create(**VALID)
    assert feedback.status == AccessibilityFeedback.Status.NEW
    assert len(mail.outbox) == 1
    recipients = set(mail.outbox[0].to)
    assert "barrierefreiheit@quartier.example" in recipients  # the configured address
    assert "editor@quartier.example" in recipients  # the editors
    assert "resident@quartier.example" not in recipients
    assert f"/admin/accessibility_feedback/inspect/{feedback.pk}/" in mail.outbox[0].body
    # The reporter's address is for the answer only, not spread by e-mail.
    assert VALID["email"] not in mail.outbox[0].body


def test_form_post_stores_the_report_and_redirects_to_the_thank_you_page(demo_site, client):
    response = client.post("/barrierefreiheit/", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/barrierefreiheit/danke/"
    assert AccessibilityFeedback.objects.get().email == VALID["email"]
    assert "feedback-sent" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"category": ""}, "category", "Wählen Sie die Art der Barriere aus."),
        ({"category": "nonsense"}, "category", None),
        ({"message": ""}, "message", "Beschreiben Sie die Barriere."),
        ({"message": "kurz"}, "message", None),
        ({"message": "x" * 5001}, "message", None),
        ({"email": "keine-adresse"}, "email", None),
        ({"page_url": "/" + "a" * 600}, "page_url", None),
    ],
)
def test_bad_input_is_reported_per_field_and_stores_nothing(
    demo_site, client, change, field, message
):
    response = client.post("/barrierefreiheit/", {**VALID, **change})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    first_id = f"id_{field}_0" if field == "category" else f"id_{field}"
    assert f'href="#{first_id}"' in html
    assert f'id="id_{field}-error"' in html
    assert "<title>Fehler: " in html
    if message:
        assert message in html
    assert AccessibilityFeedback.objects.count() == 0


def test_typed_text_is_kept_after_an_error(demo_site, client):
    html = client.post("/barrierefreiheit/", {**VALID, "category": ""}).content.decode()
    assert VALID["message"] in html


def test_html_in_a_report_is_stored_as_text_escaped_in_the_admin_and_plain_in_mail(
    demo_site, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/barrierefreiheit/", {**VALID, "message": "<script>alert(1)</script> Text"})
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message.startswith("<script>")
    assert "<script>alert(1)</script>" in mail.outbox[0].body  # plain-text mail, not HTML
    client.force_login(User.objects.get(username="editor"))
    inspect = client.get(f"/admin/accessibility_feedback/inspect/{feedback.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in inspect
    assert "<script>alert(1)</script>" not in inspect


def test_honeypot_filled_by_a_bot_stores_nothing_but_looks_the_same(demo_site, client):
    response = client.post("/barrierefreiheit/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.count() == 0


def test_notification_without_recipients_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accessibility_feedback_create(**VALID)
    assert mail.outbox == []


def test_editors_can_read_reports_in_the_admin_but_not_create_them(demo_site, client):
    feedback = accessibility_feedback_create(**VALID)
    client.force_login(User.objects.get(username="editor"))
    index = client.get("/admin/accessibility_feedback/")
    assert index.status_code == 200
    assert "/admin/accessibility_feedback/new/" not in index.content.decode()
    inspect = client.get(f"/admin/accessibility_feedback/inspect/{feedback.pk}/")
    assert VALID["email"] in inspect.content.decode()
    assert client.get("/admin/accessibility_feedback/new/").status_code in (302, 403)


def test_residents_cannot_read_reports(demo_site, client):
    feedback = accessibility_feedback_create(**VALID)
    client.force_login(User.objects.get(username="resident"))
    response = client.get(f"/admin/accessibility_feedback/inspect/{feedback.pk}/")
    assert response.status_code in (302, 403)
