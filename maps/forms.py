from django import forms
from django.utils.translation import gettext_lazy as _


class AddressSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Street and house number"),
        help_text=_("For example: Ackerstraße 12 or Karl-Marx-Allee 1, 10178"),
        min_length=3,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={
            "required": _("Enter a street and house number."),
            "min_length": _("Enter at least 3 characters of the street."),
            "max_length": _("Shorten the address to at most 100 characters."),
        },
    )
