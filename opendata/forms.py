"""Forms of the public open-data pages. They check the shape of the input; what is read lives
in `opendata.catalogue`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Licence

RELEVANCE, TITLE, NEWEST, MODIFIED = "relevance", "title", "newest", "modified"
SORT_CHOICES = [
    (RELEVANCE, _("Relevance")),
    (TITLE, _("Title (A to Z)")),
    (NEWEST, _("Newest first")),
    (MODIFIED, _("Recently updated")),
]
# One catalogue parameter per facet; the values are codes (theme, area), slugs (publisher, tag),
# formats (csv, geojson) and licence identifiers, so that filtered URLs are stable and citable.
FACETS = {
    "thema": _("Theme"),
    "herausgeber": _("Publisher"),
    "format": _("Format"),
    "lizenz": _("Licence"),
    "gebiet": _("Area"),
    "tag": _("Tag"),
}


def facet_field(label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a known value of this filter: choose from the list."
            )
        },
    )


class CatalogueFilterForm(forms.Form):
    """Search, facet filters and sorting of the catalogue (GET). Several values of one facet
    widen the results (or); values of different facets narrow them (and). Each facet's choices
    are its known values, given by the view; unknown values and an impossible sorting are
    reported in the error summary instead of being ignored silently."""

    q = forms.CharField(
        label=_("Search term"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Shorten the search term to at most 200 characters.")},
    )
    thema = facet_field(FACETS["thema"])
    herausgeber = facet_field(FACETS["herausgeber"])
    format = facet_field(FACETS["format"])
    lizenz = facet_field(FACETS["lizenz"])
    gebiet = facet_field(FACETS["gebiet"])
    tag = facet_field(FACETS["tag"])
    sortierung = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=SORT_CHOICES,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a way to sort: choose relevance, title, newest or "
                "recently updated."
            )
        },
    )

    def __init__(self, *args, vocabularies: dict[str, dict[str, str]], **kwargs):
        """`vocabularies` maps each facet parameter to its known values and their names."""
        super().__init__(*args, **kwargs)
        self.vocabularies = {"lizenz": dict(Licence.choices), **vocabularies}
        for name in FACETS:
            self.fields[name].choices = list(self.vocabularies.get(name, {}).items())

    def clean_q(self) -> str:
        # An unbalanced quotation mark is a syntax error for SQLite's full-text search; plain
        # words are what visitors mean, so quotes are dropped (as in the site search).
        return " ".join(self.cleaned_data["q"].replace('"', " ").split())

    def clean(self):
        data = super().clean()
        if data.get("sortierung") == RELEVANCE and not data.get("q"):
            self.add_error(
                "sortierung",
                _("Sorting by relevance needs a search term: enter one or sort another way."),
            )
        return data

    def selected(self) -> dict[str, list[str]]:
        """The valid facet values chosen, by parameter; a facet with an error counts as unset."""
        data = self.cleaned_data if self.is_bound else {}
        return {name: data.get(name) or [] for name in FACETS}

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_bound else ""

    def sorting(self) -> str:
        data = self.cleaned_data if self.is_bound else {}
        chosen = data.get("sortierung") or ""
        return chosen or (RELEVANCE if self.query() else TITLE)

    def show_counts(self, counts: dict[str, dict[str, tuple[str, int]]]) -> None:
        """Offer each facet's values that have results, or are chosen, labelled with their
        counts. `counts` maps each facet parameter to {value: (name, number of datasets)}."""
        chosen = self.selected()
        for name in FACETS:
            known = self.vocabularies.get(name, {})
            options = dict(counts.get(name, {}))
            for value in chosen[name]:
                options.setdefault(value, (known.get(value, value), 0))
            self.fields[name].choices = [
                (value, f"{label} ({count})")
                for value, (label, count) in sorted(
                    options.items(), key=lambda item: str(item[1][0]).lower()
                )
            ]
