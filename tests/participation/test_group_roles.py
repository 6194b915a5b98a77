"""Changing roles and removing members on a group's members page, and picking the person of
a membership in the admin."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from participation.models import Group, Membership
from participation.services.groups import membership_remove, membership_role_change
from tests.factories import staff_group

pytestmark = pytest.mark.django_db

MEMBER, SPOKESPERSON = Membership.Role.MEMBER, Membership.Role.SPOKESPERSON


@pytest.fixture
def group():
    return Group.objects.create(
        name="Mieterbeirat Wedding", slug="mieterbeirat-wedding", kind=Group.Kind.ADVISORY_BOARD
    )


def add_member(group, user, *, role=MEMBER, status=Membership.Status.ACTIVE):
    return Membership.objects.create(group=group, user=user, role=role, status=status)


@pytest.fixture
def speaker(group, user_factory):
    return add_member(group, user_factory(display_name="Sprecherin Erika"), role=SPOKESPERSON)


@pytest.fixture
def member(group, user_factory):
    return add_member(group, user_factory(display_name="Mitglied Max"))


@pytest.fixture
def editor(user_factory):
    person = user_factory()
    person.groups.add(staff_group("Editors", "change_membership"))
    return person


def role_url(membership, pk=None):
    return reverse(
        "participation:membership_role",
        kwargs={"slug": membership.group.slug, "pk": pk or membership.pk},
    )


def remove_url(membership, pk=None):
    return reverse(
        "participation:membership_remove",
        kwargs={"slug": membership.group.slug, "pk": pk or membership.pk},
    )


def members_url(group):
    return reverse("participation:group_members", kwargs={"slug": group.slug})


def roles(group) -> dict[str, str]:
    return {str(m.user): m.role for m in Membership.objects.filter(group=group)}


# Who may change roles ---------------------------------------------------------------------


def test_spokesperson_makes_a_member_spokesperson_with_a_message(client, speaker, member):
    client.force_login(speaker.user)
    response = client.post(role_url(member), {"role": SPOKESPERSON}, follow=True)
    assert response.redirect_chain[-1][0] == members_url(member.group)
    assert "Mitglied Max is now a spokesperson." in response.content.decode()
    assert roles(member.group) == {"Sprecherin Erika": SPOKESPERSON, "Mitglied Max": SPOKESPERSON}


def test_editor_makes_a_spokesperson_a_member_again_when_another_remains(
    client, editor, speaker, member
):
    member.role = SPOKESPERSON
    member.save()
    client.force_login(editor)
    response = client.post(role_url(speaker), {"role": MEMBER}, follow=True)
    assert "Sprecherin Erika is no longer a spokesperson." in response.content.decode()
    assert roles(speaker.group) == {"Sprecherin Erika": MEMBER, "Mitglied Max": SPOKESPERSON}


def test_the_last_spokesperson_cannot_step_down_while_others_remain(client, speaker, member):
    client.force_login(speaker.user)
    response = client.post(role_url(speaker), {"role": MEMBER}, follow=True)
    assert "last spokesperson" in response.content.decode()
    assert roles(speaker.group) == {"Sprecherin Erika": SPOKESPERSON, "Mitglied Max": MEMBER}


def test_the_only_member_may_step_down_as_spokesperson(speaker):
    membership_role_change(membership=speaker, role=MEMBER, changed_by=speaker.user)
    speaker.refresh_from_db()
    assert speaker.role == MEMBER


@pytest.mark.parametrize("who", ["member", "outsider", "other_spokesperson"])
def test_people_who_do_not_decide_get_403_and_change_nothing(
    client, user_factory, speaker, member, who
):
    if who == "member":
        person = member.user
    else:
        person = user_factory()
        if who == "other_spokesperson":
            other = Group.objects.create(name="Andere", slug="andere", kind=Group.Kind.ASSOCIATION)
            add_member(other, person, role=SPOKESPERSON)
    client.force_login(person)
    before = roles(speaker.group)
    assert client.post(role_url(member), {"role": SPOKESPERSON}).status_code == 403
    assert client.post(remove_url(speaker)).status_code == 403
    assert client.post(role_url(member, pk=999_999), {"role": SPOKESPERSON}).status_code == 403
    assert roles(speaker.group) == before
    with pytest.raises(PermissionDenied):
        membership_role_change(membership=member, role=SPOKESPERSON, changed_by=person)


def test_anonymous_visitors_are_sent_to_login_and_change_nothing(client, settings, speaker, member):
    for response in (
        client.post(role_url(member), {"role": SPOKESPERSON}),
        client.post(remove_url(member)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert roles(speaker.group) == {"Sprecherin Erika": SPOKESPERSON, "Mitglied Max": MEMBER}


def test_unknown_memberships_requests_and_other_groups_members_are_404(
    client, user_factory, speaker
):
    request = add_member(speaker.group, user_factory(), status=Membership.Status.REQUESTED)
    other = Group.objects.create(name="Andere", slug="andere", kind=Group.Kind.ASSOCIATION)
    elsewhere = add_member(other, user_factory())
    client.force_login(speaker.user)
    assert client.post(role_url(speaker, pk=999_999), {"role": MEMBER}).status_code == 404
    assert client.post(role_url(request), {"role": SPOKESPERSON}).status_code == 404
    assert client.post(remove_url(request)).status_code == 404
    assert client.post(role_url(speaker, pk=elsewhere.pk), {"role": MEMBER}).status_code == 404
    assert Membership.objects.filter(pk=request.pk, role=MEMBER).exists()
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_role_changes_are_posts_only_and_check_the_role(client, speaker, member):
    client.force_login(speaker.user)
    assert client.get(role_url(member)).status_code == 405
    response = client.post(role_url(member), {"role": "chair"}, follow=True)
    assert "Choose a role." in response.content.decode()
    assert roles(member.group)["Mitglied Max"] == MEMBER
    with pytest.raises(ValidationError):
        membership_role_change(membership=member, role="chair", changed_by=speaker.user)


def test_role_forms_need_the_csrf_token(speaker, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(speaker.user)
    assert client.post(role_url(member), {"role": SPOKESPERSON}).status_code == 403
    assert client.post(remove_url(member)).status_code == 403
    assert roles(member.group)["Mitglied Max"] == MEMBER


def test_a_failed_write_leaves_the_roles_as_they_were(speaker, member):
    member.role = SPOKESPERSON
    member.save()
    with (
        mock.patch.object(Membership, "save", side_effect=DatabaseError("lost")),
        pytest.raises(DatabaseError),
    ):
        membership_role_change(membership=speaker, role=MEMBER, changed_by=speaker.user)
    assert roles(speaker.group) == {"Sprecherin Erika": SPOKESPERSON, "Mitglied Max": SPOKESPERSON}


# Removing members -------------------------------------------------------------------------


def test_spokesperson_removes_a_member_with_a_message(client, speaker, member):
    client.force_login(speaker.user)
    response = client.post(remove_url(member), follow=True)
    assert "Mitglied Max is no longer a member of Mieterbeirat Wedding." in (
        response.content.decode()
    )
    assert roles(speaker.group) == {"Sprecherin Erika": SPOKESPERSON}


def test_the_last_spokesperson_cannot_be_removed_while_others_remain(
    client, editor, speaker, member
):
    client.force_login(editor)
    response = client.post(remove_url(speaker), follow=True)
    assert "last spokesperson" in response.content.decode()
    assert roles(speaker.group) == {"Sprecherin Erika": SPOKESPERSON, "Mitglied Max": MEMBER}
    with pytest.raises(ValidationError):
        membership_remove(membership=speaker, removed_by=editor)


# The members page -------------------------------------------------------------------------


def test_the_members_page_shows_the_forms_with_the_members_names(client, speaker, member):
    client.force_login(speaker.user)
    html = client.get(members_url(speaker.group)).content.decode()
    assert f'action="{role_url(member)}"' in html
    assert f'action="{role_url(speaker)}"' in html
    assert f'action="{remove_url(member)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'Make spokesperson<span class="visually-hidden">: Mitglied Max</span>' in html
    assert (
        'Remove the spokesperson role<span class="visually-hidden">: Sprecherin Erika</span>'
        in html
    )
    assert 'Remove from the group<span class="visually-hidden">: Mitglied Max</span>' in html


def test_only_deciders_see_the_role_forms(client, speaker, member):
    client.force_login(member.user)
    response = client.get(members_url(member.group))
    assert response.status_code == 403
    assert role_url(member) not in response.content.decode()
    detail = client.get(reverse("participation:group_detail", kwargs={"slug": member.group.slug}))
    assert role_url(member) not in detail.content.decode()
    assert remove_url(member) not in detail.content.decode()


# The admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_editor(user_factory):
    person = user_factory()
    person.groups.add(
        staff_group("Membership editors", "add_membership", "change_membership", "view_membership")
    )
    return person


def test_the_membership_form_picks_the_person_with_a_chooser(client, admin_editor, group):
    client.force_login(admin_editor)
    html = client.get(reverse("participation_memberships:add")).content.decode()
    assert reverse("participation_person_chooser:choose") in html
    assert '<select name="user"' not in html


def test_the_person_chooser_searches_names_and_addresses(client, admin_editor, user_factory):
    user_factory(display_name="Erika Musterfrau", email="erika@example.org")
    user_factory(display_name="Max Mustermann", email="max@example.org")
    client.force_login(admin_editor)
    url = reverse("participation_person_chooser:choose_results")
    html = client.get(url, {"q": "erika"}).content.decode()
    assert "Erika Musterfrau" in html
    assert "Max Mustermann" not in html
    html = client.get(url, {"q": "max@example"}).content.decode()
    assert "Max Mustermann" in html


def test_the_person_chooser_is_for_membership_editors_only(client, user_factory):
    user_factory(display_name="Erika Musterfrau")
    person = user_factory()
    person.groups.add(staff_group("Moderators", "view_contribution"))
    client.force_login(person)
    for name in ("choose", "choose_results"):
        response = client.get(reverse(f"participation_person_chooser:{name}"))
        # The admin answers a refusal with its dashboard and a message.
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")


def test_the_chosen_person_is_stored_with_the_membership(client, admin_editor, group, user):
    client.force_login(admin_editor)
    chosen = client.get(reverse("participation_person_chooser:chosen", args=[user.pk]))
    assert chosen.status_code == 200
    assert str(user.pk) in chosen.content.decode()
    response = client.post(
        reverse("participation_memberships:add"),
        {"group": group.pk, "user": user.pk, "role": MEMBER, "status": "active"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(group=group, user=user).decided_by == admin_editor
