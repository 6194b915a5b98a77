import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.gis.geos import Point
from django.utils import timezone

from participation.models import ConsultationPage, Contribution, Report
from tests.factories import make_consultation, square, staff_group

pytestmark = pytest.mark.django_db

QUEUE = "/admin/beteiligung/moderation/"
EMAIL = re.compile(rb"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def moderator(user_factory):
    user = user_factory(display_name="Moderation Mitte")
    user.groups.add(staff_group("Moderators", "view_contribution", "change_contribution"))
    return user


@pytest.fixture
def editor(user_factory):
    """Admin access and exports, but no moderation."""
    user = user_factory(display_name="Redaktion")
    user.groups.add(staff_group("Editors", "view_contribution"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def district(area_factory):
    return area_factory(code="01", name="Mitte", geometry=square(13.3, 52.5, 0.2))


@pytest.fixture
def consultation(district):
    return make_consultation(areas=[district], moderation=ConsultationPage.Moderation.PRE)


@pytest.fixture
def queue(consultation, contribution_factory, district, user_factory):
    """One contribution of each kind the queue must tell apart."""

    def make(text, status, **fields):
        return contribution_factory(consultation=consultation, text=text, status=status, **fields)

    pending = make("Eine Bank am Teich", "pending", area=district, category="suggestion")
    reported = make("Ihr seid alle Idioten", "published", geometry=None, category="concern")
    Report.objects.create(contribution=reported, reporter=user_factory(), reason="Beleidigung")
    Report.objects.create(contribution=reported, reporter=user_factory(), reason="Unsachlich")
    dismissed = make("Früher gemeldet, längst geklärt", "published")
    Report.objects.create(
        contribution=dismissed, reporter=user_factory(), reason="Spam", resolved_at=timezone.now()
    )
    return {
        "pending": pending,
        "reported": reported,
        "published": make("Ganz normaler Beitrag", "published"),
        "dismissed": dismissed,
        "rejected": make("Schon entfernt", "rejected", moderation_reason="Werbung"),
        "withdrawn": make("Zurückgezogen", "withdrawn"),
    }


def texts(response) -> str:
    return response.content.decode()


def statuses(*contributions) -> list[str]:
    return [Contribution.objects.get(pk=c.pk).status for c in contributions]


# The queue ---------------------------------------------------------------------------------


def test_queue_lists_pending_and_reported_contributions_and_nothing_else(moderator_client, queue):
    page = texts(moderator_client.get(QUEUE))
    assert "Eine Bank am Teich" in page
    assert "Ihr seid alle Idioten" in page
    for other in ("Ganz normaler Beitrag", "längst geklärt", "Schon entfernt", "Zurückgezogen"):
        assert other not in page


def test_reported_tab_shows_the_reasons_and_how_many(moderator_client, queue):
    page = texts(moderator_client.get(QUEUE, {"queue": "reported"}))
    assert "Ihr seid alle Idioten" in page
    assert "Eine Bank am Teich" not in page
    assert "2 open reports" in page
    assert "Beleidigung" in page
    assert "Unsachlich" in page
    assert "Spam" not in page


def test_pending_tab_shows_only_pending(moderator_client, queue):
    page = texts(moderator_client.get(QUEUE, {"queue": "pending"}))
    assert "Eine Bank am Teich" in page
    assert "Ihr seid alle Idioten" not in page


def test_published_listing_offers_removal_afterwards_but_no_approval(moderator_client, queue):
    page = texts(moderator_client.get(QUEUE, {"queue": "published"}))
    assert "Ganz normaler Beitrag" in page
    published = queue["published"].pk
    assert f"/moderation/{published}/reject/" in page
    assert f"/moderation/{published}/approve/" not in page


def test_queue_filters_by_consultation(moderator_client, queue, district, contribution_factory):
    other = make_consultation(title="Buslinie 300", areas=[district])
    contribution_factory(consultation=other, text="Der Bus fährt zu selten", status="pending")
    page = texts(moderator_client.get(QUEUE, {"consultation": other.pk}))
    assert "Der Bus fährt zu selten" in page
    assert "Eine Bank am Teich" not in page
    assert f"/admin/beteiligung/{other.pk}/export.csv" in page


def test_row_shows_consultation_category_place_author_and_no_email(moderator_client, queue):
    response = moderator_client.get(QUEUE)
    page = texts(response)
    pending = queue["pending"]
    assert pending.consultation.title in page
    assert "Suggestion" in page
    assert "Mitte · on the map" in page
    assert "no place" in page
    assert pending.author.display_name in page
    assert pending.author.email not in page
    assert b"@private.example" not in response.content


def test_menu_shows_how_many_contributions_wait(moderator_client, queue):
    assert "Moderation (2)" in texts(moderator_client.get("/admin/"))


def test_menu_item_is_hidden_from_staff_who_do_not_moderate(client, editor, queue):
    client.force_login(editor)
    assert "Moderation (" not in texts(client.get("/admin/"))


# Single decisions --------------------------------------------------------------------------


def test_approving_publishes_and_tells_the_author(
    moderator_client, moderator, queue, mailoutbox, django_capture_on_commit_callbacks
):
    pending = queue["pending"]
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"{QUEUE}{pending.pk}/approve/", {"next": QUEUE + "?queue=pending"}
        )
    assert response.status_code == 302
    assert response["Location"] == QUEUE + "?queue=pending"
    pending.refresh_from_db()
    assert pending.status == Contribution.Status.PUBLISHED
    assert pending.moderated_by == moderator
    assert [message.to for message in mailoutbox] == [[pending.author.email]]
    assert pending.text in mailoutbox[0].body
    assert f"http://testserver{pending.url}" in mailoutbox[0].body
    assert moderator.email not in mailoutbox[0].body


def test_approve_page_shows_the_contribution_with_its_reports(moderator_client, queue):
    page = texts(moderator_client.get(f"{QUEUE}{queue['reported'].pk}/approve/"))
    assert "Ihr seid alle Idioten" in page
    assert "Beleidigung" in page


def test_approving_a_reported_contribution_dismisses_its_reports(moderator_client, queue):
    reported = queue["reported"]
    moderator_client.post(f"{QUEUE}{reported.pk}/approve/")
    assert statuses(reported) == ["published"]
    assert not Report.objects.filter(contribution=reported, resolved_at__isnull=True).exists()
    assert "Ihr seid alle Idioten" not in texts(moderator_client.get(QUEUE))


def test_rejecting_with_a_reason_removes_and_sends_the_reason(
    moderator_client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    reported = queue["reported"]
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"{QUEUE}{reported.pk}/reject/", {"reason": "Beleidigt andere (Regel 2)."}
        )
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Contribution.Status.REJECTED
    assert reported.moderation_reason == "Beleidigt andere (Regel 2)."
    assert not reported.reports.filter(resolved_at__isnull=True).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [reported.author.email]
    assert "Beleidigt andere (Regel 2)." in mailoutbox[0].body
    assert set(EMAIL.findall(mailoutbox[0].body.encode())) <= {reported.author.email.encode()}


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_rejecting_without_a_reason_changes_nothing(
    moderator_client, queue, reason, mailoutbox, django_capture_on_commit_callbacks
):
    pending = queue["pending"]
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(f"{QUEUE}{pending.pk}/reject/", {"reason": reason})
    assert response.status_code == 200
    assert "Give a reason" in texts(response)
    assert statuses(pending) == ["pending"]
    assert mailoutbox == []


def test_published_contribution_can_be_removed_afterwards(moderator_client, queue):
    published = queue["published"]
    moderator_client.post(f"{QUEUE}{published.pk}/reject/", {"reason": "Werbung"})
    published.refresh_from_db()
    assert (published.status, published.moderation_reason) == ("rejected", "Werbung")


def test_author_without_email_is_not_written_to(
    moderator_client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    pending = queue["pending"]
    pending.author.email = ""
    pending.author.save()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(f"{QUEUE}{pending.pk}/approve/")
    assert statuses(pending) == ["published"]
    assert mailoutbox == []


def test_unknown_contribution_is_not_found(moderator_client):
    assert moderator_client.get(f"{QUEUE}999999/reject/").status_code == 404


# Bulk decisions ----------------------------------------------------------------------------

BULK = "/admin/bulk/participation/contribution/"


def test_bulk_approve_asks_then_publishes_all_and_tells_each_author(
    moderator_client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    chosen = [queue["pending"], queue["reported"]]
    query = "?" + "&".join(f"id={c.pk}" for c in chosen) + f"&next={QUEUE}"
    confirm = moderator_client.get(BULK + "approve/" + query)
    assert confirm.status_code == 200
    assert "Eine Bank am Teich" in texts(confirm)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(BULK + "approve/" + query)
    assert response.status_code == 302
    assert statuses(*chosen) == ["published", "published"]
    # Only the pending one changed status; dismissing reports on a published one is no news.
    assert [m.to[0] for m in mailoutbox] == [queue["pending"].author.email]
    assert all(
        len(message.to) == 1 and not message.cc and not message.bcc for message in mailoutbox
    )


def test_bulk_reject_gives_every_selected_contribution_the_one_reason(
    moderator_client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    chosen = [queue["pending"], queue["reported"]]
    query = "?" + "&".join(f"id={c.pk}" for c in chosen)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(BULK + "reject/" + query, {"reason": "Nicht zum Thema."})
    for contribution in chosen:
        contribution.refresh_from_db()
        assert (contribution.status, contribution.moderation_reason) == (
            "rejected",
            "Nicht zum Thema.",
        )
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert "Nicht zum Thema." in message.body
        others = {c.author.email for c in chosen} - set(message.to)
        assert not any(other in message.body for other in others)


def test_bulk_reject_without_a_reason_changes_nothing(moderator_client, queue, mailoutbox):
    chosen = [queue["pending"], queue["reported"]]
    query = "?" + "&".join(f"id={c.pk}" for c in chosen)
    response = moderator_client.post(BULK + "reject/" + query, {"reason": " "})
    assert response.status_code == 200
    assert "Give a reason" in texts(response)
    assert statuses(*chosen) == ["pending", "published"]
    assert mailoutbox == []


def test_bulk_select_all_means_the_filtered_queue(moderator_client, queue):
    moderator_client.post(BULK + "approve/?id=all&queue=pending")
    assert statuses(queue["pending"], queue["rejected"], queue["withdrawn"]) == [
        "published",
        "rejected",
        "withdrawn",
    ]
    assert Report.objects.filter(contribution=queue["reported"], resolved_at__isnull=True).exists()


# Who may moderate --------------------------------------------------------------------------


def test_staff_who_do_not_moderate_are_turned_away(client, editor, queue):
    client.force_login(editor)
    pending = queue["pending"]
    for response in (
        client.get(QUEUE),
        client.post(f"{QUEUE}{pending.pk}/approve/"),
        client.post(f"{QUEUE}{pending.pk}/reject/", {"reason": "Nein"}),
        client.post(BULK + f"approve/?id={pending.pk}"),
    ):
        assert response.status_code in (302, 403)
        assert not response.get("Location", "").startswith(QUEUE)
    assert statuses(pending) == ["pending"]


def test_residents_and_anonymous_visitors_are_sent_to_log_in(client, user, queue):
    pending = queue["pending"]
    response = client.post(f"{QUEUE}{pending.pk}/approve/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(user)
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert statuses(pending) == ["pending"]


def test_consultation_in_the_page_explorer_links_to_its_queue_and_exports(
    moderator_client, consultation
):
    page = texts(moderator_client.get(f"/admin/pages/{consultation.pk}/edit/"))
    assert f"/admin/beteiligung/moderation/?consultation={consultation.pk}" in page
    assert f"/admin/beteiligung/{consultation.pk}/export.xlsx" in page


def test_moderation_permissions_can_be_granted_in_the_group_editor(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@private.example", "x")
    client.force_login(admin)
    group = Group.objects.create(name="Moderation team")
    page = texts(client.get(f"/admin/groups/edit/{group.pk}/"))
    change = Permission.objects.get(codename="change_contribution")
    assert f'value="{change.pk}"' in page


def test_reported_point_without_area_shows_on_the_map(moderator_client, consultation, user):
    contribution = Contribution.objects.create(
        consultation=consultation,
        author=user,
        text="Hier",
        status="pending",
        geometry=Point(13.35, 52.55, srid=4326),
    )
    page = texts(moderator_client.get(QUEUE))
    assert contribution.text in page
    assert "on the map" in page


def test_bulk_approve_leaves_what_has_nothing_to_decide(
    moderator_client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    chosen = [queue["pending"], queue["published"], queue["withdrawn"]]
    query = "?" + "&".join(f"id={c.pk}" for c in chosen)
    confirm = texts(moderator_client.get(BULK + "approve/" + query))
    assert "Left as they are" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(BULK + "approve/" + query)
    assert statuses(*chosen) == ["published", "published", "withdrawn"]
    assert Contribution.objects.get(pk=queue["published"].pk).moderated_at is None
    assert [message.to for message in mailoutbox] == [[queue["pending"].author.email]]


@pytest.mark.parametrize(
    ("kind", "action"), [("published", "approve"), ("withdrawn", "reject"), ("rejected", "reject")]
)
def test_single_decision_with_nothing_to_decide_changes_nothing(
    moderator_client, queue, kind, action, mailoutbox, django_capture_on_commit_callbacks
):
    contribution = queue[kind]
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"{QUEUE}{contribution.pk}/{action}/", {"reason": "Regel 1"}
        )
    assert response.status_code == 302
    after = Contribution.objects.get(pk=contribution.pk)
    assert (after.status, after.moderated_at) == (contribution.status, None)
    assert mailoutbox == []


def test_removed_contribution_can_be_restored(moderator_client, queue):
    rejected = queue["rejected"]
    moderator_client.post(f"{QUEUE}{rejected.pk}/approve/")
    rejected.refresh_from_db()
    assert (rejected.status, rejected.moderation_reason) == ("published", "")


@pytest.mark.parametrize("rows", [5, 40])
def test_queue_queries_do_not_grow_with_the_rows(
    moderator_client, consultation, user_factory, rows, django_assert_max_num_queries
):
    authors = [user_factory() for _number in range(3)]
    for number in range(rows):
        contribution = Contribution.objects.create(
            consultation=consultation,
            author=authors[number % 3],
            text=f"Beitrag {number}",
            status="published" if number % 2 else "pending",
        )
        if number % 2:
            Report.objects.create(contribution=contribution, reporter=authors[0], reason="Spam")
    moderator_client.get(QUEUE)  # fills the caches every request finds filled
    # The same 15 for 5 and 40 rows: none per row (authors, areas, reports, links).
    with django_assert_max_num_queries(15):
        response = moderator_client.get(QUEUE)
    assert response.status_code == 200
