"""The account page for API keys: every signed-in person lists, creates and revokes their own.

A new key's secret is shown once, in the response to the request that created it: never in a
URL, a redirect or a message kept in the session, and that response is not cached."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from participation.services.tokens import api_token_create, api_token_revoke, api_tokens


class APIKeyForm(forms.Form):
    """The name of a new key; the service checks its length and the number of keys."""

    name = forms.CharField(
        label=gettext_lazy("Name of the key"),
        help_text=gettext_lazy(
            "What or where you use it, for example “Import script on my laptop”. "
            "At most 100 characters; only you see it."
        ),
        error_messages={"required": gettext_lazy("Enter a name for the key.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


@sensitive_variables("secret")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request):
    """The signed-in person's keys that are not revoked, and a form to create one; after
    creating, the same page with the new secret shown once."""
    form = APIKeyForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = APIKeyForm()
    site_url = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "account/api_keys.html",
        {
            "form": form,
            "tokens": list(api_tokens(request.user)),
            "created": created,
            "secret": secret,
            "site_url": site_url,
        },
    )


@login_required
@require_POST
def api_key_revoke(request, token_id: int):
    """Revoke one of the signed-in person's keys; anyone else's key is not found."""
    token = api_tokens(request.user).filter(pk=token_id).first()
    if token is None or not api_token_revoke(user=request.user, token_id=token_id):
        raise Http404
    messages.success(
        request,
        _("The key “%(name)s” is revoked: requests with it are refused from now on.")
        % {"name": token.name},
    )
    return redirect("account_api_keys")
