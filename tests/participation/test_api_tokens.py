"""API keys: the services behind them (create, revoke, find the key a request presents and its
owner) and the account page where every signed-in person manages their own."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken

from participation.services.tokens import (
    MAX_TOKENS_PER_USER,
    api_token_create,
    api_token_revoke,
    api_token_user,
    api_tokens,
    request_secret,
)

pytestmark = pytest.mark.django_db

URL = "/konto/api-schluessel/"
SECRET_PATTERN = re.compile(r"wagtail_[0-9A-Za-z]{30,}")


def presented(**headers) -> str | None:
    return request_secret(RequestFactory().get("/api/v1/", headers=headers))


def create(client, name: str):
    return client.post(URL, {"name": name})


def revoke_url(token: APIToken) -> str:
    return reverse("account_api_key_revoke", kwargs={"token_id": token.pk})


@pytest.fixture
def signed_in(client, user_factory):
    user = user_factory()
    client.force_login(user)
    return user


# Services ----------------------------------------------------------------------------------


def test_created_key_is_stored_only_as_a_digest_and_finds_its_owner(user_factory):
    owner = user_factory()

    token, secret = api_token_create(user=owner, name="  Import   script ")

    assert token.name == "Import script"
    assert secret.startswith(token.prefix)
    stored = APIToken.objects.filter(pk=token.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}
    assert api_token_user(secret) == owner


def test_key_records_when_it_was_last_used(user_factory):
    token, secret = api_token_create(user=user_factory(), name="Script")
    assert token.last_used_at is None

    api_token_user(secret)

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_key_with_an_empty_or_blank_name_is_refused(user_factory):
    owner = user_factory()
    for name in ("", "   "):
        with pytest.raises(ValidationError) as error:
            api_token_create(user=owner, name=name)
        assert error.value.message_dict == {"name": ["Enter a name for the key."]}
    assert not APIToken.objects.exists()


def test_key_with_a_name_over_100_characters_is_refused(user_factory):
    owner = user_factory()
    api_token_create(user=owner, name="x" * 100)

    with pytest.raises(ValidationError) as error:
        api_token_create(user=owner, name="x" * 101)

    assert error.value.message_dict == {
        "name": ["Shorten the name of the key to at most 100 characters."]
    }
    assert APIToken.objects.count() == 1


def test_one_key_more_than_the_limit_is_refused_until_one_is_revoked(user_factory):
    owner = user_factory()
    tokens = [api_token_create(user=owner, name=f"Key {n}")[0] for n in range(MAX_TOKENS_PER_USER)]

    with pytest.raises(ValidationError) as error:
        api_token_create(user=owner, name="One too many")
    assert "the most allowed" in error.value.message_dict["name"][0]
    assert APIToken.objects.filter(user=owner).count() == MAX_TOKENS_PER_USER

    api_token_revoke(user=owner, token_id=tokens[0].pk)
    api_token_create(user=owner, name="Now there is room")
    assert api_tokens(owner).count() == MAX_TOKENS_PER_USER


def test_revoked_key_stops_working_at_once_and_leaves_the_list(user_factory):
    owner = user_factory()
    token, secret = api_token_create(user=owner, name="Script")

    assert api_token_revoke(user=owner, token_id=token.pk) is True

    assert api_token_user(secret) is None
    assert list(api_tokens(owner)) == []
    assert api_token_revoke(user=owner, token_id=token.pk) is False


def test_nobody_revokes_someone_elses_key(user_factory):
    owner, other = user_factory(), user_factory()
    token, secret = api_token_create(user=owner, name="Script")

    assert api_token_revoke(user=other, token_id=token.pk) is False

    assert api_token_user(secret) == owner


def test_key_of_a_deactivated_owner_does_not_work(user_factory):
    owner = user_factory()
    _token, secret = api_token_create(user=owner, name="Script")
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    assert api_token_user(secret) is None


def test_malformed_unknown_or_missing_keys_find_nobody(user_factory):
    _token, secret = api_token_create(user=user_factory(), name="Script")
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    unknown = APIToken.generate_token()

    for candidate in ("", "wagtail_", "not-a-key", tampered, secret + "x", unknown, None):
        assert api_token_user(candidate) is None


def test_key_is_read_from_the_authorization_header_in_every_usual_form():
    key = APIToken.generate_token()

    assert presented(Authorization=f"Bearer {key}") == key
    assert presented(Authorization=f"bearer  {key} ") == key
    assert presented(Authorization=f"Token {key}") == key
    assert presented(Authorization=key) == key
    assert presented(**{"X-CKAN-API-Key": key}) == key


def test_other_authorization_schemes_and_empty_headers_present_no_key():
    key = APIToken.generate_token()

    assert presented() is None
    assert presented(Authorization="") is None
    assert presented(Authorization="Bearer") is None
    assert presented(Authorization="Basic dXNlcjpwYXNz") is None
    assert presented(**{"X-CKAN-API-Key": "  "}) is None
    assert presented(Authorization="Basic dXNlcjpwYXNz", **{"X-CKAN-API-Key": key}) == key


# The account page --------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.post(URL, {"name": "Script"}).status_code == 302
    assert not APIToken.objects.exists()


def test_account_pages_link_to_the_api_keys(client, signed_in):
    html = client.get(reverse("account_profile")).content.decode()

    assert html.count(f'href="{URL}"') == 2  # account navigation and the API keys section
    assert reverse("account_api_keys") == URL


def test_created_key_is_shown_once_with_instructions_and_not_cached(client, signed_in):
    response = create(client, "Import script")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = APIToken.objects.get(user=signed_in)
    html = response.content.decode()
    secret = SECRET_PATTERN.search(html).group(0)
    assert api_token_user(secret) == signed_in
    assert f'value="{secret}" readonly' in html
    assert "it will not be shown again" in html
    assert f"Authorization: Bearer {secret}" in html
    assert f"ckanapi action package_search -r http://testserver -a {secret}" in html
    assert "/api/v1/" in html
    assert token.prefix in html
    assert secret not in str(client.session.items())

    again = client.get(URL)
    assert secret not in again.content.decode()
    assert "no-store" in again["Cache-Control"]


def test_key_list_shows_name_prefix_and_use_but_no_secret(client, signed_in):
    used, used_secret = api_token_create(user=signed_in, name="Used script")
    unused, unused_secret = api_token_create(user=signed_in, name="Unused script")
    api_token_user(used_secret)
    revoked, _secret = api_token_create(user=signed_in, name="Old laptop")
    api_token_revoke(user=signed_in, token_id=revoked.pk)

    html = client.get(URL).content.decode()

    assert "Used script" in html and "Unused script" in html
    assert f"<code>{used.prefix}…</code>" in html and f"<code>{unused.prefix}…</code>" in html
    assert html.count("<dd>never</dd>") == 1
    assert used_secret not in html and unused_secret not in html
    assert not SECRET_PATTERN.search(html)
    assert "Old laptop" not in html
    assert "acts with your permissions" in html


def test_revoke_button_names_its_key(client, signed_in):
    token, _secret = api_token_create(user=signed_in, name="Import script")

    html = client.get(URL).content.decode()

    assert f'action="{revoke_url(token)}"' in html
    assert re.search(r"Revoke<span class=\"visually-hidden\"> the key “Import script”", html)


def test_empty_name_is_refused_with_a_summary_linked_to_the_field(client, signed_in):
    response = create(client, "  ")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert '<a href="#id_name">Enter a name for the key.</a>' in html
    assert re.search(r'aria-describedby="[^"]*id_name-error', html)
    assert "<title>Error: " in html
    assert not APIToken.objects.exists()
    assert not SECRET_PATTERN.search(html)


def test_long_name_is_refused_and_kept_for_correction(client, signed_in):
    response = create(client, "x" * 101)

    html = response.content.decode()
    assert '<a href="#id_name">Shorten the name of the key to at most 100 characters.</a>' in html
    assert f'value="{"x" * 101}"' in html
    assert not APIToken.objects.exists()


def test_key_over_the_limit_is_refused_on_the_page(client, signed_in):
    for n in range(MAX_TOKENS_PER_USER):
        api_token_create(user=signed_in, name=f"Key {n}")

    html = create(client, "One too many").content.decode()

    assert 'id="error-summary"' in html
    assert "Revoke one you no longer need first." in html
    assert APIToken.objects.filter(user=signed_in).count() == MAX_TOKENS_PER_USER


def test_revoking_on_the_page_stops_the_key_and_confirms(client, signed_in):
    token, secret = api_token_create(user=signed_in, name="Import script")

    response = client.post(revoke_url(token), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "The key “Import script” is revoked" in html
    assert "You have no API keys." in html
    assert api_token_user(secret) is None


def test_revoking_needs_a_post(client, signed_in):
    token, secret = api_token_create(user=signed_in, name="Import script")

    assert client.get(revoke_url(token)).status_code == 405
    assert api_token_user(secret) == signed_in


def test_someone_elses_key_is_neither_listed_nor_revocable(client, signed_in, user_factory):
    other = user_factory()
    token, secret = api_token_create(user=other, name="Someone else's script")

    assert "Someone else" not in client.get(URL).content.decode()
    assert client.post(revoke_url(token)).status_code == 404
    assert api_token_user(secret) == other


def test_revoking_an_already_revoked_key_is_not_found(client, signed_in):
    token, _secret = api_token_create(user=signed_in, name="Import script")
    api_token_revoke(user=signed_in, token_id=token.pk)

    assert client.post(revoke_url(token)).status_code == 404


def test_key_used_long_ago_shows_when(client, signed_in):
    token, _secret = api_token_create(user=signed_in, name="Import script")
    used = timezone.now() - timedelta(days=3)
    APIToken.objects.filter(pk=token.pk).update(last_used_at=used)

    html = client.get(URL).content.decode()

    assert f'datetime="{timezone.localtime(used).isoformat()}"' in html
    assert "<dd>never</dd>" not in html
