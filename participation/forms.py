"""Forms of the public consultation pages. They check the shape of the input; the rules
(phases, places, permissions) live in `participation.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maps.geometry import GeometryError, geometry_from_geojson_text
from maps.models import Address, Area
from maps.selectors import address_search

from .models import ConsultationPage, Contribution, Group, Membership, Topic
from .models.consultations import PUBLIC_PHASES
from .models.contributions import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from .selectors import consultation_area_choices

TEXT_ERRORS = {
    "required": _("Write your contribution: the text is empty."),
    "max_length": _(
        "Shorten the text to at most %(limit_value)s characters (it has %(show_value)s)."
    ),
}


class HoneypotMixin:
    honeypot_fields = ("website",)

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def honeypot_field() -> forms.CharField:
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class ContributionForm(HoneypotMixin, forms.Form):
    """A contribution with its place, given on the map, by address, by choosing an area or
    not at all. Without JavaScript the map choice is hidden; the other three work as they are."""

    MAP, ADDRESS, AREA, NONE = "map", "address", "area", "none"

    text = forms.CharField(
        label=_("Your contribution"),
        help_text=_("At most 4,000 characters. Your display name is shown with it."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages=TEXT_ERRORS,
    )
    category = forms.ChoiceField(
        label=_("What kind of contribution is it?"),
        choices=Contribution.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of contribution it is.")},
    )
    proposal = forms.TypedChoiceField(
        label=_("About a proposal (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the proposals of this consultation.")},
    )
    location = forms.ChoiceField(
        label=_("Where?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to give the place.")},
    )
    geometry = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Street and house number"),
        help_text=_("For example: Oranienstraße 12. The address is not stored, only its area."),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"max_length": _("Shorten the address to at most 100 characters.")},
    )
    address_choice = forms.TypedChoiceField(
        label=_("Which address do you mean?"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    area = forms.ChoiceField(
        label=_("Area"),
        help_text=_("Districts, forecast areas, district regions and planning areas (LOR)."),
        required=False,
    )
    group = forms.TypedChoiceField(
        label=_("Write on behalf of"),
        help_text=_("A group you are a member of. Its name is shown with your contribution."),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose one of your groups, or only yourself.")},
    )
    website = honeypot_field()

    def __init__(self, *args, consultation: ConsultationPage, proposals=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.group_objects = {group.pk: group for group in groups}
        self.fields["group"].choices = [("", _("Only myself"))] + [
            (group.pk, group.name) for group in groups
        ]
        if not groups:
            del self.fields["group"]
        self.proposal_objects = {proposal.pk: proposal for proposal in proposals}
        self.fields["proposal"].choices = [("", _("No particular proposal"))] + [
            (proposal.pk, proposal.title) for proposal in proposals
        ]
        if not proposals:
            del self.fields["proposal"]
        self.area_objects = {}
        locations = []
        if consultation.allows_place:
            locations.append((self.MAP, self._map_label()))
            locations.append((self.ADDRESS, _("By address")))
            locations.append((self.AREA, _("By choosing an area from a list")))
            areas = consultation_area_choices(consultation=consultation)
            self.area_objects = {area.code: area for area in areas}
            self.fields["area"].choices = [("", _("Choose an area"))] + [
                (area.code, f"{area.name} ({area.get_level_display()}, {area.code})")
                for area in areas
            ]
        else:
            for name in ("address", "address_choice", "area", "geometry"):
                del self.fields[name]
        if consultation.allow_no_place:
            locations.append((self.NONE, _("No specific place")))
        self.fields["location"].choices = locations
        if len(locations) == 1:
            self.fields["location"].initial = locations[0][0]
        self.address_matches: list[Address] = []
        if "address_choice" in self.fields and self.data.get(self.add_prefix("address")):
            self._offer_address_matches(self.data.get(self.add_prefix("address")))

    def _map_label(self) -> str:
        kinds = self.consultation.geometry_kinds
        if kinds == ["Point"]:
            return _("On the map: set a point")
        return _("On the map: set a point or draw a line or an area")

    def _offer_address_matches(self, query: str) -> None:
        if len(query.strip()) >= 3:
            self.address_matches = address_search(query=query[:100], limit=20)
        self.fields["address_choice"].choices = [
            (address.pk, str(address)) for address in self.address_matches
        ]

    def clean(self):
        data = super().clean()
        location = data.get("location")
        data["geometry_value"] = None
        data["area_value"] = None
        if location == self.MAP:
            self._clean_map(data)
        elif location == self.ADDRESS:
            self._clean_address(data)
        elif location == self.AREA:
            code = data.get("area")
            if not code:
                self.add_error("area", _("Choose an area from the list."))
            else:
                data["area_value"] = self.area_objects[code]
        return data

    def _clean_map(self, data: dict) -> None:
        text = (data.get("geometry") or "").strip()
        if not text:
            self.add_error(
                "location",
                _(
                    "Set the place on the map (click, or arrow keys and Enter), or give it "
                    "by address or area."
                ),
            )
            return
        try:
            data["geometry_value"] = geometry_from_geojson_text(text)
        except GeometryError as error:
            self.add_error("location", str(error))

    def _clean_address(self, data: dict) -> None:
        chosen = data.get("address_choice")
        if chosen:
            address = next((a for a in self.address_matches if a.pk == chosen), None)
            if address is None:
                address = Address.objects.select_related("area").filter(pk=chosen).first()
            if address is not None:
                data["area_value"] = address.area
                return
        query = (data.get("address") or "").strip()
        if len(query) < 3:
            self.add_error("address", _("Enter a street and house number."))
            return
        matches = self.address_matches
        if not matches:
            self.add_error(
                "address",
                _("No Berlin address matches “%(query)s”. Check the spelling or choose an area.")
                % {"query": query},
            )
        elif len(matches) == 1:
            data["area_value"] = matches[0].area
        else:
            self.add_error(
                "address_choice",
                _("%(count)s addresses match. Choose yours from the list.")
                % {"count": len(matches)},
            )

    def service_kwargs(self) -> dict:
        """Arguments for `contribution_create`, once the form is valid."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "category": data["category"],
            "geometry": data["geometry_value"],
            "area": data["area_value"],
            "proposal": self.proposal_objects.get(data.get("proposal")),
            "group": self.group_objects.get(data.get("group")),
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's messages next to the fields the person can change."""
        for key, messages in errors.items():
            if key == "geometry" or (
                key == "area" and self.cleaned_data.get("location") == self.MAP
            ):
                field = "location"
            elif key == "area" and self.cleaned_data.get("location") == self.ADDRESS:
                field = "address"
            elif key in self.fields:
                field = key
            else:
                field = None
            for message in messages:
                self.add_error(field, message)


class ReplyForm(HoneypotMixin, forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write your reply: the text is empty."),
            "max_length": TEXT_ERRORS["max_length"],
        },
    )
    website = honeypot_field()


class ReportForm(HoneypotMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why should the moderators look at this contribution?"),
        help_text=_("For example: insulting, advertising, personal data of others."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Give a reason for the report."),
            "max_length": _("Shorten the reason to at most %(limit_value)s characters."),
        },
    )
    website = honeypot_field()


class ContributionFilterForm(forms.Form):
    """The filters of a consultation's map and list (GET); unknown values are reported."""

    kategorie = forms.ChoiceField(label=_("Category"), required=False)
    gebiet = forms.ChoiceField(label=_("Area"), required=False)
    vorschlag = forms.TypedChoiceField(label=_("Proposal"), coerce=int, required=False)

    def __init__(self, *args, areas=(), proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kategorie"].choices = [
            ("", _("All categories")),
            *Contribution.Category.choices,
        ]
        self.area_objects = {area.code: area for area in areas}
        self.fields["gebiet"].choices = [("", _("All areas"))] + [
            (area.code, area.name) for area in areas
        ]
        self.proposal_objects = {proposal.pk: proposal for proposal in proposals}
        self.fields["vorschlag"].choices = [("", _("All proposals"))] + [
            (proposal.pk, proposal.title) for proposal in proposals
        ]
        if not proposals:
            del self.fields["vorschlag"]

    def filters(self):
        from .selectors import ContributionFilters

        if not self.is_bound or not self.is_valid():
            return ContributionFilters()
        data = self.cleaned_data
        return ContributionFilters(
            category=data.get("kategorie", ""),
            area=self.area_objects.get(data.get("gebiet", "")),
            proposal=self.proposal_objects.get(data.get("vorschlag")),
        )


class ConsultationFilterForm(forms.Form):
    bezirk = forms.ChoiceField(label=_("District"), required=False)
    thema = forms.ChoiceField(label=_("Topic"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {
            area.code: area
            for area in Area.objects.filter(level=Area.Level.BEZIRK).defer("geometry")
        }
        districts = sorted((code, area.name) for code, area in self.districts.items())
        self.fields["bezirk"].choices = [("", _("All districts")), *districts]
        topics = Topic.objects.values_list("slug", "name")
        self.fields["thema"].choices = [("", _("All topics")), *topics]
        self.fields["phase"].choices = [("", _("All phases")), *PUBLIC_PHASES]

    def filter_kwargs(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "district": self.districts.get(data.get("bezirk", "")),
            "topic": data.get("thema", ""),
            "phase": data.get("phase", ""),
        }


class GroupFilterForm(forms.Form):
    """The kind filter of the group list (GET)."""

    art = forms.ChoiceField(label=_("Kind of group"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["art"].choices = [("", _("All kinds")), *Group.Kind.choices]

    def kind(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data.get("art", "")


class MembershipRoleForm(forms.Form):
    """The role a spokesperson or an editor gives a member on the members page."""

    role = forms.ChoiceField(choices=Membership.Role.choices)


class GroupJoinForm(forms.Form):
    """Asking to join a group, with an optional message for its spokespersons."""

    message = forms.CharField(
        label=_("Message to the spokespersons (optional)"),
        help_text=_(
            "For example, how you are connected to the group. At most 500 characters. "
            "Only the group's spokespersons and the editors read it."
        ),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _(
                "Shorten the message to at most %(limit_value)s characters (it has %(show_value)s)."
            )
        },
    )
