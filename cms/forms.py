from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import AccessibilityFeedback


class AccessibilityFeedbackForm(forms.Form):
    """Report a barrier. No CAPTCHA (it would exclude the very people reporting): a honeypot
    field catches simple bots, and every report is read by a person anyway."""

    category = forms.ChoiceField(
        label=_("What kind of barrier did you meet?"),
        choices=AccessibilityFeedback.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of barrier.")},
    )
    message = forms.CharField(
        label=_("Describe the barrier"),
        help_text=_("What did you try to do, and what happened? At least 10 characters."),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Describe the barrier."),
            "min_length": _("Describe the barrier in at least 10 characters."),
            "max_length": _("Shorten the description to at most 5,000 characters."),
        },
    )
    page_url = forms.CharField(
        label=_("Page concerned (optional)"),
        help_text=_("The address or title of the page."),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Shorten the page address to at most 500 characters.")},
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        help_text=_("Only if you want an answer. It is never published."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.org.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    honeypot_fields = ("website",)

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def feedback_data(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in ("category", "message", "page_url", "name", "email")
        }


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search term"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Shorten the search term to at most 200 characters.")},
    )

    def clean_q(self) -> str:
        # An unbalanced quotation mark is a syntax error for SQLite's full-text search; plain
        # words are what visitors mean, so quotes are dropped.
        return " ".join(self.cleaned_data["q"].replace('"', " ").split())


RECOVERY_SESSION_KEY = "quartier_recovered_form"
NEVER_KEPT = ("password", "csrfmiddlewaretoken")
# Fields a visitor never typed into: not shown back to them.
TECHNICAL_FIELDS = {
    "csrfmiddlewaretoken",
    "next",
    "language",
    *AccessibilityFeedbackForm.honeypot_fields,
}


def typed_values(request) -> list[str]:
    """The non-empty values a visitor typed into a posted form, passwords left out."""
    return [
        value
        for name, values in request.POST.lists()
        if name not in TECHNICAL_FIELDS and not any(word in name.lower() for word in NEVER_KEPT)
        for value in values
        if value.strip()
    ]


def form_data_keep(request) -> None:
    """Keep what a visitor typed into a form that could not be accepted (an expired session or
    a missing security token), so the form can offer it again. Passwords are never kept."""
    data = {
        name: values
        for name, values in request.POST.lists()
        if not any(word in name.lower() for word in NEVER_KEPT)
    }
    request.session[RECOVERY_SESSION_KEY] = {"path": request.path, "data": data}


def form_data_recovered(request) -> dict | None:
    """What `form_data_keep` kept for this page, once; as initial data for an unbound form."""
    saved = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not saved or saved.get("path") != request.path:
        return None
    return {
        name: values[0] if len(values) == 1 else values for name, values in saved["data"].items()
    }
