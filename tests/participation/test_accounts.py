"""Accounts: registration with a display name, e-mail verification, sign-in and sign-out,
password reset, and the account pages."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse

from participation.accounts import display_name_clean
from participation.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Kiezbank unter Linden 1987"
MEMBER_PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
NEW_PASSWORD = "Spielplatz am Wasserturm 2031"
EMAIL = "neu@private.example"
LINK = re.compile(r"https?://\S+")


def signup(client, **overrides):
    data = {
        "email": EMAIL,
        "display_name": "Kiezläuferin",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def sign_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message) -> str:
    return LINK.search(message.body).group(0)


def header_of(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts mails and attempts per address in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(user_factory):
    """A resident whose e-mail address is confirmed (the factory's users have none yet).
    Made with `user_factory`: the `user` fixture does not get the factory's password."""
    user = user_factory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


# Registration and verification -------------------------------------------------------------


def test_registration_sends_a_verification_mail_and_does_not_sign_in(client, mailoutbox):
    response = signup(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    account = User.objects.get(email=EMAIL)
    assert account.display_name == "Kiezläuferin"
    assert str(account) == "Kiezläuferin"
    assert not EmailAddress.objects.get(user=account).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]
    assert mailoutbox[0].subject.startswith("[Quartier] ")
    assert "/konto/confirm-email/" in link_in(mailoutbox[0])

    page = client.get(response.url)
    assert "Confirm your e-mail address" in page.content.decode()


def test_registered_person_cannot_sign_in_before_confirming(client, mailoutbox):
    signup(client)
    cache.clear()  # a few minutes later: allauth sends at most one link per address in three
    response = sign_in(client, EMAIL, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert len(mailoutbox) == 2  # the link is sent again


def test_following_the_link_confirms_the_address_and_allows_sign_in(client, mailoutbox):
    signup(client)
    link = link_in(mailoutbox[0])

    page = client.get(link)  # a link scanner opening the mail confirms nothing
    assert page.status_code == 200
    assert not EmailAddress.objects.get(email=EMAIL).verified
    html = page.content.decode()
    assert "Kiezläuferin" in html and 'method="post"' in html

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("account_login")
    assert EmailAddress.objects.get(email=EMAIL).verified

    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(User.objects.get(email=EMAIL).pk)


def test_an_invalid_confirmation_link_explains_what_to_do(client):
    response = client.get(reverse("account_confirm_email", args=["nicht-gueltig"]))
    assert response.status_code == 200
    assert "This link has expired or is not valid" in response.content.decode()


def test_usernames_are_random_and_never_taken_from_the_e_mail_address(client):
    signup(client, email="anna.beispiel@private.example")
    signup(client, email="bernd@private.example", display_name="Bernd vom Block")

    usernames = list(User.objects.values_list("username", flat=True))
    assert len(set(usernames)) == 2
    for username in usernames:
        assert re.fullmatch(r"user-[0-9a-f]{12}", username)


def test_registration_with_a_known_address_reveals_nothing_and_creates_no_account(
    client, member, mailoutbox
):
    response = signup(client, email=member.email, display_name="Doppelgängerin")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=member.email).count() == 1
    assert mailoutbox[0].to == [member.email]  # told that an account exists


def test_honeypot_filled_in_creates_no_account_but_looks_like_success(client, mailoutbox):
    response = signup(client, website="http://spam.example")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not User.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("", "Enter a display name."),
        ("   ", "Enter a display name."),
        ("A", "Use at least 2 characters for your display name."),
        ("x" * 61, "Shorten your display name to at most 60 characters."),
        ("anna@example.org", "Your display name must not be an e-mail address"),
        ("anna (at) example.org", "Your display name must not be an e-mail address"),
        ("Moderation", "This name is reserved for the administration."),
        ("redaktion", "This name is reserved for the administration."),
        ("Team Quartier", "This name is reserved for the administration."),
        ("A d m i n", "This name is reserved for the administration."),
        ("Anna\u202eKiez", "Remove the invisible or control characters"),
    ],
)
def test_display_name_errors_are_named_and_linked_to_the_field(client, display_name, message):
    response = signup(client, display_name=display_name)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert '<a href="#id_display_name">' in html  # the summary links to the field
    assert "<title>Error: " in html
    assert 'aria-describedby="id_display_name-hint id_display_name-error"' in html
    assert not User.objects.exists()


def test_display_name_taken_by_someone_else_is_refused_whatever_the_case(client, user):
    response = signup(client, display_name=user.display_name.upper())

    assert "Someone already uses this display name." in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()


def test_display_name_is_trimmed_and_its_spaces_collapsed(client):
    signup(client, display_name="  Anna   vom  Kiez ")
    assert User.objects.get(email=EMAIL).display_name == "Anna vom Kiez"


def test_display_name_may_contain_a_handle_that_is_no_e_mail_address():
    assert display_name_clean("@anna_kiez") == "@anna_kiez"


def test_signup_form_errors_for_every_field_are_listed_in_the_summary(client):
    response = signup(client, email="keine-adresse", password1="kurz", password2="anders")

    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert '<a href="#id_email">Enter an e-mail address like name@example.org.</a>' in html
    assert '<a href="#id_password1">This password is too short.' in html
    assert '<a href="#id_display_name">' not in html  # a good display name stays as typed
    assert 'value="Kiezläuferin"' in html
    assert not User.objects.exists()


def test_sign_up_and_sign_in_fields_carry_autocomplete_tokens(client):
    signup_page = client.get(reverse("account_signup")).content.decode()
    assert re.search(r'<input[^>]*autocomplete="email"[^>]*id="id_email"', signup_page)
    assert re.search(r'<input[^>]*autocomplete="nickname"[^>]*id="id_display_name"', signup_page)
    assert len(re.findall(r'autocomplete="new-password"', signup_page)) == 2
    assert "placeholder=" not in signup_page
    assert "The only name ever shown publicly" in signup_page

    login_page = client.get(reverse("account_login")).content.decode()
    assert re.search(r'<input[^>]*autocomplete="email"[^>]*id="id_login"', login_page)
    assert re.search(r'<input[^>]*autocomplete="current-password"', login_page)


# Signing in and out --------------------------------------------------------------------------


def test_sign_in_with_a_wrong_password_shows_the_error_summary(client, member):
    response = sign_in(client, member.email, "falsches Passwort")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'id="error-summary"' in html and "data-error-summary" in html
    assert "The e-mail address or the password is not correct." in html
    assert signed_in_user_id(client) is None


def test_sign_in_returns_to_the_page_it_was_started_from(client, member):
    response = client.post(
        reverse("account_login") + "?next=/suche/%3Fq%3DSpielplatz",
        {"login": member.email, "password": MEMBER_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/suche/?q=Spielplatz"


def test_sign_out_needs_a_post(client, member):
    client.force_login(member)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert signed_in_user_id(client) == str(member.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) is None


def test_sign_out_from_the_header_returns_to_the_same_page(client, member):
    client.force_login(member)
    header = header_of(client.get("/suche/?q=Bank").content.decode())
    assert '<input name="next" type="hidden" value="/suche/?q=Bank">' in header

    response = client.post(reverse("account_logout"), {"next": "/suche/?q=Bank"})
    assert response.url == "/suche/?q=Bank"
    assert signed_in_user_id(client) is None


def test_header_offers_sign_in_and_registration_when_signed_out(client):
    header = header_of(client.get("/suche/?q=Spielplatz").content.decode())

    assert f'href="{reverse("account_login")}?next=/suche/%3Fq%3DSpielplatz"' in header
    assert f'href="{reverse("account_signup")}"' in header
    assert "Sign out" not in header


def test_header_shows_the_display_name_and_a_sign_out_button_never_the_e_mail(client, user_factory):
    member = user_factory(username="intern-4711", email="erika.m@private.example")
    client.force_login(member)

    for path in ("/suche/", reverse("account_profile"), reverse("account_email")):
        html = client.get(path).content.decode()
        header = header_of(html)
        assert member.display_name in header
        assert member.email not in header
        assert member.username not in html
        assert re.search(
            r'<form[^>]*action="/konto/logout/" method="post">\s*'
            r'<input type="hidden" name="csrfmiddlewaretoken"',
            header,
        )
        assert f'href="{reverse("account_login")}' not in header
    assert member.email not in client.get("/suche/").content.decode()


# Password reset --------------------------------------------------------------------------------


def test_password_reset_mails_a_link_that_sets_a_new_password(client, member, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert mailoutbox[0].to == [member.email]
    assert member.username not in mailoutbox[0].body

    key_page = client.get(link_in(mailoutbox[0]), follow=True)
    assert key_page.status_code == 200
    html = key_page.content.decode()
    assert "Choose a new password" in html
    assert 'autocomplete="new-password"' in html

    done = client.post(
        key_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done.url == reverse("account_reset_password_from_key_done")

    assert sign_in(client, member.email, MEMBER_PASSWORD).status_code == 200
    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(client) == str(member.pk)


def test_password_reset_does_not_reveal_whether_an_address_is_registered(
    client, member, mailoutbox
):
    known = client.post(reverse("account_reset_password"), {"email": member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "niemand@private.example"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [mail.to for mail in mailoutbox] == [[member.email], ["niemand@private.example"]]


def test_a_used_or_broken_reset_link_explains_what_to_do(client, member):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "kaputt"})
    )
    assert response.status_code == 200
    assert "The link is no longer valid" in response.content.decode()


# The account pages ---------------------------------------------------------------------------


def test_account_pages_need_sign_in(client):
    response = client.get(reverse("account_profile"))
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=/konto/profil/"


def test_display_name_can_be_changed(client, member):
    client.force_login(member)
    page = client.get(reverse("account_profile")).content.decode()
    assert member.email in page  # the owner, and only the owner, sees the address
    assert f'value="{member.display_name}"' in page

    response = client.post(reverse("account_profile"), {"display_name": " Neue  Nachbarin "})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Neue Nachbarin"
    assert "Your display name is now “Neue Nachbarin”." in client.get(response.url).content.decode()


def test_display_name_change_is_checked_like_registration(client, member):
    client.force_login(member)

    response = client.post(reverse("account_profile"), {"display_name": "Redaktion"})

    assert response.status_code == 200
    assert "This name is reserved for the administration." in response.content.decode()
    member.refresh_from_db()
    assert member.display_name != "Redaktion"


def test_staff_may_keep_the_administrations_names(client, user_factory):
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    moderator = user_factory(display_name="Moderation")
    moderator.groups.add(moderators)
    client.force_login(moderator)

    response = client.post(reverse("account_profile"), {"display_name": "Moderation"})

    assert response.status_code == 302


def test_e_mail_address_can_be_changed_after_confirming_the_new_one(client, member, mailoutbox):
    client.force_login(member)
    assert member.email in client.get(reverse("account_email")).content.decode()

    response = client.post(
        reverse("account_email"), {"email": "umzug@private.example", "action_add": "1"}
    )
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["umzug@private.example"]
    page = client.get(reverse("account_email")).content.decode()
    assert "Waiting for confirmation: umzug@private.example" in page

    client.post(link_in(mailoutbox[-1]))
    member.refresh_from_db()
    assert member.email == "umzug@private.example"


def test_password_can_be_changed_with_the_current_one(client, member):
    client.force_login(member)

    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "falsch", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert '<a href="#id_oldpassword">' in wrong.content.decode()

    right = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": MEMBER_PASSWORD,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert right.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_inactive",
]
MEMBER_PAGES = [
    "account_profile",
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES + MEMBER_PAGES)
def test_every_account_page_is_one_of_the_sites_pages(client, member, name):
    if name in MEMBER_PAGES:
        client.force_login(member)

    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html and '<footer class="site-footer">' in html
    assert html.count("<h1") == 1
    assert "Menu:" not in html  # allauth's bare layout


def test_unused_allauth_pages_are_not_offered(client, member):
    assert client.get("/konto/3rdparty/").status_code == 404
    assert client.get("/konto/2fa/").status_code == 404
    assert client.get("/konto/login/code/").status_code == 404
    assert client.get("/konto/login/code/confirm/").url == reverse("account_login")
    client.force_login(member)
    assert client.get(reverse("account_set_password")).url == reverse("account_change_password")
