from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from participation.models import Contribution, Group, Membership, Statement
from participation.services import contribution_create
from participation.services.groups import (
    group_join_request,
    group_save,
    membership_approve,
    membership_decline,
    membership_leave,
    membership_remove,
)
from tests.factories import make_consultation, staff_group

pytestmark = pytest.mark.django_db


def make_group(name="Seniorenvertretung Pankow", **fields) -> Group:
    values = {"slug": name.lower().replace(" ", "-"), "kind": Group.Kind.ADVISORY_BOARD}
    return Group.objects.create(name=name, **{**values, **fields})


def add_member(group, user, *, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE):
    return Membership.objects.create(group=group, user=user, role=role, status=status)


def make_statement(group, consultation, **fields) -> Statement:
    values = {
        "text": "Der Beirat unterstützt den Standort.",
        "recommendation": Statement.Recommendation.SUPPORTS,
        "resolution_date": date(2026, 3, 1),
        **fields,
    }
    return Statement.objects.create(group=group, consultation=consultation, **values)


@pytest.fixture
def group():
    return make_group()


@pytest.fixture
def spokesperson(group, user_factory):
    person = user_factory(display_name="Sprecherin Beirat")
    add_member(group, person, role=Membership.Role.SPOKESPERSON)
    return person


@pytest.fixture
def editor(user_factory):
    person = user_factory()
    person.groups.add(staff_group("Editors", "change_membership"))
    return person


@pytest.fixture
def join_request(group, user_factory):
    return add_member(group, user_factory(), status=Membership.Status.REQUESTED)


def group_url(group, name="group_detail", **kwargs) -> str:
    return reverse(f"participation:{name}", kwargs={"slug": group.slug, **kwargs})


# Asking to join ---------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_to_join(client, group):
    response = client.post(group_url(group, "group_join"), {"message": "Hallo"})
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
    assert not Membership.objects.exists()


def test_signed_in_person_asks_to_join_with_a_message(client, group, user):
    client.force_login(user)
    response = client.post(group_url(group, "group_join"), {"message": "Ich wohne im Kiez."})
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.user, membership.status) == (user, Membership.Status.REQUESTED)
    assert membership.message == "Ich wohne im Kiez."


def test_asking_twice_gives_a_message_and_no_duplicate(client, group, user):
    client.force_login(user)
    client.post(group_url(group, "group_join"), {"message": ""})
    response = client.post(group_url(group, "group_join"), {"message": ""}, follow=True)
    assert "You have already asked to join this group" in response.content.decode()
    assert Membership.objects.count() == 1
    with pytest.raises(ValidationError, match="already asked"):
        group_join_request(group=group, user=user)


def test_too_long_join_message_is_shown_in_the_error_summary(client, group, user):
    client.force_login(user)
    response = client.post(group_url(group, "group_join"), {"message": "x" * 501})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "Shorten the message to at most 500 characters" in html
    assert not Membership.objects.exists()


# Deciding on requests ---------------------------------------------------------------------


def test_spokesperson_of_the_group_approves(client, spokesperson, join_request):
    client.force_login(spokesperson)
    response = client.post(group_url(join_request.group, "membership_approve", pk=join_request.pk))
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == Membership.Status.ACTIVE
    assert join_request.decided_by == spokesperson


def test_editor_declines_and_the_person_may_ask_again(editor, join_request):
    membership_decline(membership=join_request, decided_by=editor)
    assert not Membership.objects.filter(pk=join_request.pk).exists()
    group_join_request(group=join_request.group, user=join_request.user)


def test_spokesperson_of_another_group_may_not_decide(user_factory, join_request):
    other = make_group("Selbsthilfegruppe Wedding", kind=Group.Kind.SELF_HELP)
    outsider = user_factory()
    add_member(other, outsider, role=Membership.Role.SPOKESPERSON)
    with pytest.raises(PermissionDenied):
        membership_approve(membership=join_request, decided_by=outsider)
    with pytest.raises(PermissionDenied):
        membership_decline(membership=join_request, decided_by=outsider)


def test_plain_member_may_not_decide_nor_see_the_requests(client, user_factory, join_request):
    member = user_factory()
    add_member(join_request.group, member)
    with pytest.raises(PermissionDenied):
        membership_approve(membership=join_request, decided_by=member)
    client.force_login(member)
    assert client.get(group_url(join_request.group, "group_members")).status_code == 403
    response = client.post(group_url(join_request.group, "membership_approve", pk=join_request.pk))
    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == Membership.Status.REQUESTED


def test_members_page_labels_the_buttons_with_the_display_name(client, spokesperson, join_request):
    client.force_login(spokesperson)
    html = client.get(group_url(join_request.group, "group_members")).content.decode()
    assert f"the request of {join_request.user.display_name}" in html
    assert join_request.user.email not in html


# Leaving ----------------------------------------------------------------------------------


def test_member_leaves(client, group, user):
    add_member(group, user)
    client.force_login(user)
    response = client.post(group_url(group, "group_leave"))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=user).exists()


def test_last_spokesperson_cannot_leave_while_others_remain(group, spokesperson, user, editor):
    member = add_member(group, user)
    with pytest.raises(ValidationError, match="last spokesperson"):
        membership_leave(group=group, user=spokesperson)
    spokes_membership = Membership.objects.get(user=spokesperson)
    with pytest.raises(ValidationError, match="last spokesperson"):
        membership_remove(membership=spokes_membership, removed_by=editor)
    membership_leave(group=group, user=member.user)
    membership_leave(group=group, user=spokesperson)
    assert not Membership.objects.exists()


def test_leaving_page_shows_the_last_spokesperson_message(client, group, spokesperson, user):
    add_member(group, user)
    client.force_login(spokesperson)
    response = client.post(group_url(group, "group_leave"), follow=True)
    assert "last spokesperson" in response.content.decode()
    assert Membership.objects.filter(user=spokesperson).exists()


# Verification -----------------------------------------------------------------------------


def test_verification_date_is_set_and_cleared(group):
    group.verified = True
    group_save(group=group)
    verified_at = group.verified_at
    assert verified_at is not None
    group_save(group=group)
    assert group.verified_at == verified_at
    group.verified = False
    group_save(group=group)
    assert group.verified_at is None


# Contributing on behalf of a group --------------------------------------------------------


@pytest.fixture
def consultation():
    return make_consultation()


def test_member_contributes_on_behalf_of_the_group(client, consultation, group, user):
    add_member(group, user)
    client.force_login(user)
    form = client.get(consultation.url + "beitragen/").content.decode()
    assert "Write on behalf of" in form
    response = client.post(
        consultation.url + "beitragen/",
        {"text": "Bänke fehlen.", "category": "suggestion", "location": "none", "group": group.pk},
    )
    assert response.status_code == 302
    assert Contribution.objects.get().group == group


def test_contribution_form_hides_the_choice_without_groups(client, consultation, user):
    client.force_login(user)
    form = client.get(consultation.url + "beitragen/").content.decode()
    assert "Write on behalf of" not in form


@pytest.mark.parametrize("status", [None, Membership.Status.REQUESTED])
def test_non_member_cannot_contribute_on_behalf_of_the_group(consultation, group, user, status):
    if status:
        add_member(group, user, status=status)
    with pytest.raises(ValidationError, match="You are not a member of this group"):
        contribution_create(
            consultation=consultation, author=user, text="Bänke fehlen.", group=group
        )
    assert not Contribution.objects.exists()


def test_contribution_shows_the_group_badge(client, consultation, group, contribution_factory):
    group.verified = True
    group_save(group=group)
    contribution = contribution_factory(consultation=consultation, group=group)
    for url in (consultation.url, contribution.url):
        html = client.get(url).content.decode()
        assert f'href="{group.get_absolute_url()}"' in html
        assert "(verified)" in html


# The public pages -------------------------------------------------------------------------


def test_group_list_filters_by_kind(client, group):
    make_group("Kiezzeitung", kind=Group.Kind.PRESS)
    html = client.get(reverse("participation:group_list") + "?art=press").content.decode()
    assert "Kiezzeitung" in html
    assert group.name not in html


def test_group_page_shows_facts_and_no_email_address(client, group, spokesperson, user_factory):
    group.verified = True
    group_save(group=group)
    members = [user_factory() for _ in range(3)]
    for member in members:
        add_member(group, member)
    html = client.get(group_url(group)).content.decode()
    assert "Verified by the administration" in html
    assert spokesperson.display_name in html
    assert "@" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    for person in [spokesperson, *members]:
        assert person.email not in html
    for member in members:
        assert member.display_name not in html


def test_group_page_shows_only_public_statements(client, group):
    open_consultation = make_consultation(title="Spielplatz Mauerpark")
    in_review = make_consultation(title="Radweg Schönhauser Allee")
    published_review = make_consultation(
        title="Bibliothek Prenzlauer Berg", review_published_at=timezone.now()
    )
    draft = make_consultation(title="Entwurf Schwimmbad")
    draft.unpublish()
    make_statement(group, open_consultation)
    make_statement(group, in_review, in_review=True)
    make_statement(group, published_review, in_review=True)
    make_statement(group, draft)
    html = client.get(group_url(group)).content.decode()
    assert "Spielplatz Mauerpark" in html
    assert "Bibliothek Prenzlauer Berg" in html
    assert "Radweg Schönhauser Allee" not in html
    assert "Entwurf Schwimmbad" not in html


@pytest.mark.parametrize("count", [2, 20])
def test_group_page_runs_bounded_queries(
    client, group, spokesperson, user_factory, count, django_assert_max_num_queries
):
    consultations = [make_consultation(title=f"Beteiligung {n}") for n in range(3)]
    for number in range(count):
        add_member(group, user_factory())
        make_statement(group, consultations[number % 3])
    client.force_login(spokesperson)
    with django_assert_max_num_queries(18):
        response = client.get(group_url(group))
    assert response.content.decode().count('class="card"') == count


# The admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_editor(user_factory):
    person = user_factory()
    person.groups.add(
        staff_group(
            "Group editors",
            "add_group",
            "change_group",
            "view_group",
            "add_membership",
            "change_membership",
            "view_membership",
            "delete_membership",
        )
    )
    return person


def test_editor_verifies_a_group_in_the_admin(client, admin_editor):
    client.force_login(admin_editor)
    assert client.get(reverse("participation_groups:index")).status_code == 200
    response = client.post(
        reverse("participation_groups:add"),
        {
            "name": "Mieterbeirat Wedding",
            "slug": "mieterbeirat-wedding",
            "kind": "advisory_board",
            "description": "",
            "website": "",
            "verified": "on",
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(slug="mieterbeirat-wedding")
    assert group.verified_at is not None


def test_admin_refuses_to_delete_the_last_spokesperson(
    client, admin_editor, group, spokesperson, user
):
    add_member(group, user)
    membership = Membership.objects.get(user=spokesperson)
    client.force_login(admin_editor)
    assert client.get(reverse("participation_memberships:index")).status_code == 200
    response = client.post(
        reverse("participation_memberships:delete", args=[membership.pk]), follow=True
    )
    assert response.status_code == 200
    assert "last spokesperson" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
