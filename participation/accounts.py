"""Accounts on django-allauth: sign-up with a display name, the forms of every account page,
and the profile page.

Residents sign in with their e-mail address. The only name ever shown publicly is the display
name they choose; the username Django needs is random and internal, so neither an e-mail
address nor a real name can end up in it. allauth's forms are kept and only given our labels,
plain-text hints, autocomplete tokens and error messages, so that `includes/form.html` renders
them like every other form of the site.
"""

import re
import secrets
import unicodedata
from types import SimpleNamespace

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from participation.models import User

DISPLAY_NAME_MIN_LENGTH = 2
DISPLAY_NAME_MAX_LENGTH = 60
# Names that would pass a resident off as the administration or the platform. Compared with
# each word of a display name and with its letters run together ("A d m i n").
RESERVED_NAMES = frozenset(
    {
        "admin",
        "administration",
        "administrator",
        "administratorin",
        "bezirksamt",
        "moderation",
        "moderator",
        "moderatorin",
        "quartier",
        "redaktion",
        "support",
        "verwaltung",
    }
)
# "name@example.org", "name (at) example.org", "name[at]example.org"
EMAIL_LIKE = re.compile(r"\S\s*(?:@|\(at\)|\[at\])\s*\S+\.\S{2,}", re.IGNORECASE)
# Staff accounts may carry the administration's names ("Redaktion", "Moderation").
STAFF_PERMISSION = "wagtailadmin.access_admin"
HONEYPOT_FIELD = "website"


def _password_hint() -> str:
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


password_hint = lazy(_password_hint, str)


def display_name_clean(value: str, *, user: User | None = None) -> str:
    """A display name as it will be shown: whitespace trimmed and collapsed, Unicode normalised.

    Raises ValidationError naming what is wrong: too short or too long, invisible characters,
    looking like an e-mail address, reserved for the administration (unless `user` is staff),
    or already taken by someone else (case does not matter)."""
    name = " ".join(unicodedata.normalize("NFC", value or "").split())
    if not name:
        raise ValidationError(_("Enter a display name."), code="required")
    if len(name) < DISPLAY_NAME_MIN_LENGTH:
        raise ValidationError(_("Use at least 2 characters for your display name."), code="short")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(_("Shorten your display name to at most 60 characters."), code="long")
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"} for char in name):
        raise ValidationError(
            _("Remove the invisible or control characters from your display name."),
            code="invisible",
        )
    if EMAIL_LIKE.search(name):
        raise ValidationError(
            _("Your display name must not be an e-mail address: it is shown publicly."),
            code="email",
        )
    if _is_reserved(name) and not (user is not None and user.has_perm(STAFF_PERMISSION)):
        raise ValidationError(
            _("This name is reserved for the administration. Choose another display name."),
            code="reserved",
        )
    others = User.objects.filter(display_name__iexact=name)
    if user is not None and user.pk:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ValidationError(
            _("Someone already uses this display name. Choose another one."), code="taken"
        )
    return name


def _is_reserved(name: str) -> bool:
    folded = unicodedata.normalize("NFKC", name).casefold()
    words = set(re.findall(r"[^\W\d_]+", folded))
    letters = re.sub(r"[\W\d_]+", "", folded)
    return bool(words & RESERVED_NAMES) or letters in RESERVED_NAMES


@transaction.atomic
def user_display_name_change(*, user: User, display_name: str) -> User:
    """Give `user` a new public name (already checked by `display_name_clean`)."""
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    return user


def _username_generate() -> str:
    user_model = get_user_model()
    while True:
        username = f"user-{secrets.token_hex(6)}"
        if not user_model.objects.filter(username=username).exists():
            return username


class AccountAdapter(DefaultAccountAdapter):
    """allauth's extension point: random usernames, the display name saved on sign-up, the
    platform's name in e-mails, and no confirmation messages on pages that do not show them."""

    # Sign-in and sign-out end on ordinary pages, which show no messages; the header shows
    # the new state instead. A message kept for later would pop up on an unrelated page.
    UNSHOWN_MESSAGES = frozenset(
        {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}
    )

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The e-mail address or the password is not correct. Check both and try again."
        ),
    }

    def populate_username(self, request, user) -> None:
        if not user.username:
            user.username = _username_generate()

    def save_user(self, request, user, form, commit=True):
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            user.display_name = display_name
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Without django.contrib.sites allauth would greet people with the server's host name.
        request = allauth_context.request
        site = SimpleNamespace(
            name=settings.WAGTAIL_SITE_NAME, domain=request.get_host() if request else ""
        )
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        if message_template in self.UNSHOWN_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)


def _plain(field: forms.Field, *, label=None, hint=None, errors=None, autocomplete=None):
    """Give one of allauth's fields our wording: a label, a plain-text hint (or none; allauth's
    hints hold HTML links and lists), messages that say what to do, and no placeholder."""
    if label is not None:
        field.label = label
    field.help_text = hint or ""
    field.error_messages.update(errors or {})
    field.widget.attrs.pop("placeholder", None)
    if autocomplete:
        field.widget.attrs["autocomplete"] = autocomplete


EMAIL_ERRORS = {
    "required": _("Enter your e-mail address."),
    "invalid": _("Enter an e-mail address like name@example.org."),
}


def _new_password_fields(form: forms.Form, *, label) -> None:
    _plain(
        form.fields["password1"],
        label=label,
        hint=password_hint(),
        errors={"required": _("Enter a password.")},
        autocomplete="new-password",
    )
    _plain(
        form.fields["password2"],
        label=_("Repeat the password"),
        errors={"required": _("Enter the password a second time.")},
        autocomplete="new-password",
    )


def display_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Display name"),
        help_text=_(
            "The only name ever shown publicly, for example next to your contributions. "
            "2 to 60 characters; not your e-mail address. You can change it later."
        ),
        error_messages={"required": _("Enter a display name.")},
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "spellcheck": "false"}),
    )


class SignupForm(allauth_forms.SignupForm):
    """Registration: e-mail address, display name, password twice (and a hidden honeypot)."""

    display_name = display_name_field()
    field_order = ["email", "display_name", "password1", "password2"]
    honeypot_fields = (HONEYPOT_FIELD,)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["email"],
            label=_("E-mail address"),
            hint=_(
                "You sign in with it, and we send you a link to confirm it. "
                "It is never shown to anyone."
            ),
            errors=EMAIL_ERRORS,
            autocomplete="email",
        )
        _new_password_fields(self, label=_("Password"))
        if HONEYPOT_FIELD in self.fields:
            self.fields[HONEYPOT_FIELD] = forms.CharField(
                label=_("Leave this field empty"),
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
            )

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"])


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["login"],
            label=_("E-mail address"),
            errors=EMAIL_ERRORS,
            autocomplete="email",
        )
        _plain(
            self.fields["password"],
            label=_("Password"),
            errors={"required": _("Enter your password.")},
            autocomplete="current-password",
        )
        if "remember" in self.fields:
            _plain(self.fields["remember"], label=_("Stay signed in on this device"))


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["email"],
            label=_("E-mail address"),
            hint=_("The address you registered with."),
            errors=EMAIL_ERRORS,
            autocomplete="email",
        )


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _new_password_fields(self, label=_("New password"))


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["oldpassword"],
            label=_("Current password"),
            errors={"required": _("Enter your current password.")},
            autocomplete="current-password",
        )
        _new_password_fields(self, label=_("New password"))


class SetPasswordForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _new_password_fields(self, label=_("Password"))


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["password"],
            label=_("Password"),
            errors={"required": _("Enter your password.")},
            autocomplete="current-password",
        )


class ChangeEmailForm(allauth_forms.AddEmailForm):
    """A new e-mail address; it replaces the current one once confirmed."""

    # allauth's e-mail page tells its actions apart by the name of the button pressed; the
    # site's form include has one unnamed button, so the action travels in a hidden field.
    action_add = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["email"],
            label=_("New e-mail address"),
            hint=_(
                "We send a link to the new address. "
                "It replaces the current one once you confirm it."
            ),
            errors=EMAIL_ERRORS,
            autocomplete="email",
        )


class DisplayNameForm(forms.Form):
    """A new display name for `user`, checked like one chosen at registration."""

    display_name = display_name_field()

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"], user=self.user)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The account page: the display name (changeable), the e-mail address (shown on the
    account pages only, to its owner) and links to change it and the password."""
    form = DisplayNameForm(
        request.POST or None,
        user=request.user,
        initial={"display_name": request.user.display_name},
    )
    if request.method == "POST" and form.is_valid():
        user_display_name_change(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(
            request, _("Your display name is now “%(name)s”.") % {"name": request.user}
        )
        return redirect("account_profile")
    return render(request, "account/profile.html", {"form": form})
