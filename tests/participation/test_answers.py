"""The administration's answers: who may answer what, the e-mail to the author, the public
answer under a contribution, and the editors' pages with the unanswered counts."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participation.models import Answer, Contribution, Group, Statement
from participation.selectors.answers import answer_consultations, answer_unanswered_total
from participation.services.answers import answer_save
from tests.factories import make_consultation, staff_group

pytestmark = pytest.mark.django_db

ANSWERS = "/admin/beteiligung/antworten/"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def editor(user_factory):
    user = user_factory(display_name="Frau Redakteurin Geheim", email="redaktion@amt.example")
    user.groups.add(staff_group("Answering", "add_answer", "change_answer", "view_answer"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def consultation():
    return make_consultation()


@pytest.fixture
def contribution(consultation, contribution_factory, user_factory):
    author = user_factory(display_name="Erika", email="erika@private.example")
    return contribution_factory(consultation=consultation, author=author, text="Mehr Bänke!")


def make_statement(consultation, user_factory, **fields) -> Statement:
    group, _created = Group.objects.get_or_create(
        slug="seniorenvertretung",
        defaults={"name": "Seniorenvertretung Mitte", "kind": Group.Kind.ADVISORY_BOARD},
    )
    values = {
        "consultation": consultation,
        "group": group,
        "author": user_factory(display_name="Sprecherin", email="sprecherin@private.example"),
        "text": "Wir unterstützen den Standort mit Auflagen.",
        "recommendation": Statement.Recommendation.CONDITIONS,
        "resolution_date": date(2026, 3, 1),
        **fields,
    }
    return Statement.objects.create(**values)


def refused(response) -> bool:
    """Wagtail answers a refused admin request with a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def save(item, user, outcome=Answer.Outcome.ADOPTED, reasons="Wird umgesetzt."):
    return answer_save(item=item, outcome=outcome, reasons=reasons, user=user)


# Rules ---------------------------------------------------------------------------------------


def test_editor_answers_a_published_contribution(contribution, editor):
    answer = save(contribution, editor, Answer.Outcome.PARTLY, "  Teilweise.\r\nDetails.  ")

    assert answer.contribution == contribution
    assert answer.outcome == Answer.Outcome.PARTLY
    assert answer.reasons == "Teilweise.\nDetails."
    assert answer.answered_by == editor


def test_editor_answers_a_statement(consultation, editor, user_factory):
    statement = make_statement(consultation, user_factory)

    answer = save(statement, editor, Answer.Outcome.NOT_ADOPTED)

    assert answer.statement == statement
    assert answer.contribution is None


def test_answering_needs_the_add_permission(contribution, user_factory):
    viewer = user_factory()
    viewer.groups.add(staff_group("Viewers", "view_answer", "change_answer"))

    with pytest.raises(PermissionDenied):
        save(contribution, viewer)
    assert not Answer.objects.exists()


def test_changing_an_answer_needs_the_change_permission(contribution, editor, user_factory):
    save(contribution, editor)
    adder = user_factory()
    adder.groups.add(staff_group("Adders", "add_answer"))

    with pytest.raises(PermissionDenied):
        save(contribution, adder, Answer.Outcome.NOT_ADOPTED)
    assert Answer.objects.get().outcome == Answer.Outcome.ADOPTED


def test_participants_may_not_answer(contribution, user_factory):
    with pytest.raises(PermissionDenied):
        save(contribution, user_factory())


@pytest.mark.parametrize("reasons", ["", "   \n  "])
def test_reasons_are_required(contribution, editor, reasons):
    with pytest.raises(ValidationError) as error:
        save(contribution, editor, reasons=reasons)
    assert "Give the reasons" in error.value.message_dict["reasons"][0]
    assert not Answer.objects.exists()


def test_reasons_have_a_maximum_length(contribution, editor):
    with pytest.raises(ValidationError) as error:
        save(contribution, editor, reasons="x" * 4001)
    assert "at most 4000" in error.value.message_dict["reasons"][0]


def test_unknown_outcome_is_refused(contribution, editor):
    with pytest.raises(ValidationError) as error:
        save(contribution, editor, outcome="maybe")
    assert "outcome" in error.value.message_dict


@pytest.mark.parametrize("status", ["pending", "rejected", "withdrawn"])
def test_only_published_contributions_are_answered(contribution, editor, status):
    Contribution.objects.filter(pk=contribution.pk).update(status=status)
    contribution.refresh_from_db()

    with pytest.raises(ValidationError, match="Only published contributions"):
        save(contribution, editor)
    assert not Answer.objects.exists()


def test_the_status_is_checked_as_it_is_now(contribution, editor):
    Contribution.objects.filter(pk=contribution.pk).update(status="rejected")

    with pytest.raises(ValidationError, match="Only published contributions"):
        save(contribution, editor)  # still "published" in memory


def test_participants_are_refused_before_anything_else(contribution, user_factory):
    Contribution.objects.filter(pk=contribution.pk).update(status="pending")

    with pytest.raises(PermissionDenied):
        save(contribution, user_factory())


def test_replies_are_not_answered(contribution, contribution_factory, editor):
    reply = contribution_factory(consultation=contribution.consultation, reply_to=contribution)

    with pytest.raises(ValidationError, match="Replies are not answered"):
        save(reply, editor)


# Notifications -------------------------------------------------------------------------------


def test_new_answer_tells_the_author_without_anyone_elses_data(
    contribution, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(contribution, editor, Answer.Outcome.PARTLY, "Zwei Bänke kommen.")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["erika@private.example"]
    # Mails go out in the site's language (German), whatever the test's own language.
    assert "hat Ihren Beitrag" in mail.subject
    assert contribution.consultation.title in mail.subject
    assert "Teilweise übernommen" in mail.body
    assert "Zwei Bänke kommen." in mail.body
    assert "Mehr Bänke!" in mail.body
    assert f"http://testserver{contribution.url}" in mail.body
    # Neither the editor's name nor any address but the recipient's own (which is in `to`).
    assert "Redakteurin" not in mail.body + mail.subject
    assert EMAIL.findall(mail.body + mail.subject) == []


def test_second_save_tells_the_author_only_when_the_outcome_changes(
    contribution, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = save(contribution, editor, Answer.Outcome.ADOPTED, "Ja.")
    with django_capture_on_commit_callbacks(execute=True):
        second = save(contribution, editor, Answer.Outcome.ADOPTED, "Ja, im Mai.")

    assert second.pk == first.pk
    assert Answer.objects.get().reasons == "Ja, im Mai."
    assert len(mailoutbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        save(contribution, editor, Answer.Outcome.NOT_ADOPTED, "Doch nicht.")

    assert Answer.objects.count() == 1
    assert len(mailoutbox) == 2
    assert "hat ihre Antwort" in mailoutbox[1].subject
    assert "Nicht übernommen" in mailoutbox[1].body


def test_statement_answer_tells_the_spokesperson_only(
    consultation, editor, user_factory, mailoutbox, django_capture_on_commit_callbacks
):
    statement = make_statement(consultation, user_factory)

    with django_capture_on_commit_callbacks(execute=True):
        save(statement, editor, Answer.Outcome.ADOPTED, "Übernommen.")

    assert [mail.to for mail in mailoutbox] == [["sprecherin@private.example"]]
    body = mailoutbox[0].body
    assert "Seniorenvertretung Mitte" in body
    assert "Übernommen." in body
    assert "Redakteurin" not in body
    assert EMAIL.findall(body) == []


def test_no_mail_when_the_author_is_gone(
    contribution, editor, mailoutbox, django_capture_on_commit_callbacks
):
    Contribution.objects.filter(pk=contribution.pk).update(author=None)
    contribution.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        save(contribution, editor)

    assert mailoutbox == []


# The public answer ---------------------------------------------------------------------------


def test_answer_shows_under_the_contribution_without_the_editors_name(client, contribution, editor):
    save(contribution, editor, Answer.Outcome.PARTLY, "Zwei Bänke kommen.\n\nDie dritte nicht.")

    for url in (contribution.consultation.url, contribution.url):
        page = client.get(url).content.decode()
        assert "Answer of the administration" in page, url
        assert "Partly adopted" in page
        assert "<p>Zwei Bänke kommen.</p>" in page
        assert "Redakteurin" not in page
        assert "redaktion@" not in page


def test_answer_heading_is_one_level_below_the_contribution(client, contribution, editor):
    answer = save(contribution, editor)

    detail = client.get(contribution.url).content.decode()

    assert f'<h3 class="answer__title" id="antwort-verwaltung-{answer.pk}">' in detail


def test_contribution_without_answer_shows_none(client, contribution):
    assert "Answer of the administration" not in client.get(contribution.url).content.decode()


# The editors' pages and counts ---------------------------------------------------------------


@pytest.fixture
def items(consultation, contribution_factory, editor, user_factory):
    """Two consultations: the first with 2 unanswered contributions and 1 unanswered
    statement (replies, pending and answered ones do not count), the second with 1."""
    answered = contribution_factory(consultation=consultation, text="Schon beantwortet")
    save(answered, editor)
    contribution_factory(consultation=consultation, text="Offen eins")
    open_two = contribution_factory(consultation=consultation, text="Offen zwei")
    contribution_factory(consultation=consultation, reply_to=open_two, text="Eine Antwort")
    contribution_factory(consultation=consultation, status="pending", text="Wartet")
    make_statement(consultation, user_factory)
    other = make_consultation(title="Zweite Beteiligung")
    contribution_factory(consultation=other, text="Anderswo offen")
    quiet = make_consultation(title="Ruhige Beteiligung")
    return {"consultation": consultation, "other": other, "quiet": quiet, "answered": answered}


def test_unanswered_counts_per_consultation_in_one_query(
    items, django_assert_num_queries, contribution_factory
):
    with django_assert_num_queries(1):
        rows = {
            c.pk: (c.unanswered_contributions, c.unanswered_statements, c.unanswered)
            for c in answer_consultations()
        }

    assert rows == {
        items["consultation"].pk: (2, 1, 3),
        items["other"].pk: (1, 0, 1),
        items["quiet"].pk: (0, 0, 0),
    }
    assert answer_unanswered_total() == 4
    assert [c.pk for c in answer_consultations()][:2] == [
        items["consultation"].pk,
        items["other"].pk,
    ]


def test_listing_of_consultations_runs_a_constant_number_of_queries(
    editor_client, items, django_assert_max_num_queries
):
    editor_client.get(ANSWERS)
    with django_assert_max_num_queries(30) as few:
        editor_client.get(ANSWERS)
    for n in range(5):
        make_consultation(title=f"Noch eine {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = editor_client.get(ANSWERS)
    assert response.status_code == 200


def test_menu_shows_how_many_items_wait(editor_client, items):
    assert "Answers (4)" in editor_client.get("/admin/").content.decode()


def test_menu_and_pages_are_hidden_from_other_staff(client, user_factory, items):
    moderator = user_factory()
    moderator.groups.add(staff_group("Moderators", "change_contribution"))
    client.force_login(moderator)

    assert "Answers" not in client.get("/admin/").content.decode()
    assert refused(client.get(ANSWERS))
    assert refused(client.get(f"{ANSWERS}beitrag/{items['answered'].pk}/"))


def test_consultation_listing_links_to_the_unanswered_items(editor_client, items):
    page = editor_client.get(ANSWERS).content.decode()

    assert "Zweite Beteiligung" in page
    assert "3 unanswered items" in page
    assert f"{ANSWERS}{items['consultation'].pk}/?state=unanswered" in page


def test_items_of_a_consultation_unanswered_first_and_filtered(editor_client, items):
    url = f"{ANSWERS}{items['consultation'].pk}/"

    page = editor_client.get(url).content.decode()
    assert page.index("Offen eins") < page.index("Schon beantwortet")
    assert "Seniorenvertretung Mitte" in page
    assert "Eine Antwort" not in page
    assert "Wartet" not in page
    assert "Anderswo offen" not in page

    unanswered = editor_client.get(url + "?state=unanswered").content.decode()
    assert "Offen zwei" in unanswered
    assert "Schon beantwortet" not in unanswered

    answered = editor_client.get(url + "?state=answered").content.decode()
    assert "Schon beantwortet" in answered
    assert "Offen eins" not in answered
    assert "No statements in this selection." in answered


def test_answer_form_saves_and_returns_to_the_unanswered_items(
    editor_client, contribution, mailoutbox, django_capture_on_commit_callbacks
):
    url = f"{ANSWERS}beitrag/{contribution.pk}/"
    page = editor_client.get(url).content.decode()
    assert "<legend" in page
    assert 'type="radio"' in page
    assert "Mehr Bänke!" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"outcome": "adopted", "reasons": "Kommt im Mai."})

    assert response.status_code == 302
    assert response["Location"] == f"{ANSWERS}{contribution.consultation_id}/?state=unanswered"
    assert Answer.objects.get().reasons == "Kommt im Mai."
    assert len(mailoutbox) == 1
    assert "Kommt im Mai." in editor_client.get(url).content.decode()


def test_answer_form_shows_an_error_summary(editor_client, contribution):
    response = editor_client.post(f"{ANSWERS}beitrag/{contribution.pk}/", {"reasons": " "})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert page.index('id="error-summary"') < page.index("<legend")
    assert 'href="#answer-outcome"' in page
    assert 'href="#id_reasons"' in page
    assert 'aria-invalid="true"' in page
    assert not Answer.objects.exists()


def test_answer_form_for_a_statement(editor_client, consultation, user_factory):
    statement = make_statement(consultation, user_factory)
    url = f"{ANSWERS}stellungnahme/{statement.pk}/"

    assert "Seniorenvertretung Mitte" in editor_client.get(url).content.decode()
    response = editor_client.post(url, {"outcome": "out_of_scope", "reasons": "Nicht zuständig."})

    assert response.status_code == 302
    assert Answer.objects.get().statement == statement


def test_answer_form_for_a_reply_or_a_pending_contribution_is_a_404(
    editor_client, contribution, contribution_factory
):
    reply = contribution_factory(consultation=contribution.consultation, reply_to=contribution)
    pending = contribution_factory(consultation=contribution.consultation, status="pending")

    assert editor_client.get(f"{ANSWERS}beitrag/{reply.pk}/").status_code == 404
    assert editor_client.get(f"{ANSWERS}beitrag/{pending.pk}/").status_code == 404


def test_viewers_see_the_answer_without_the_form(client, user_factory, contribution, editor):
    save(contribution, editor, reasons="Nur lesen.")
    viewer = user_factory()
    viewer.groups.add(staff_group("Viewers", "view_answer"))
    client.force_login(viewer)
    url = f"{ANSWERS}beitrag/{contribution.pk}/"

    page = client.get(url).content.decode()

    assert "Nur lesen." in page
    assert "<textarea" not in page
    assert refused(client.post(url, {"outcome": "adopted", "reasons": "x"}))
    assert Answer.objects.get().reasons == "Nur lesen."


def test_admin_pages_show_no_email_addresses(editor_client, items):
    for url in (ANSWERS, f"{ANSWERS}{items['consultation'].pk}/"):
        assert EMAIL.search(editor_client.get(url).content.decode()) is None, url
