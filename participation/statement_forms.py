"""Forms of statements and the review phase. They check the shape of the input; the rules
(who, when, which file) live in `participation.services.statements`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Group, Proposal, Statement
from .models.groups import STATEMENT_MAX_LENGTH
from .services.statements import REVIEW_COMMENT_MAX_LENGTH


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict) -> None:
        """Show a service's ValidationError beside its field (or above the form)."""
        for field, messages in errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


def _proposal_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("About a proposal (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the proposals of this consultation.")},
    )


class StatementForm(ServiceErrorsMixin, forms.Form):
    """A group's statement. The group is chosen only when the person speaks for several."""

    group = forms.TypedChoiceField(
        label=_("On behalf of"),
        help_text=_("The group whose statement this is; you are its spokesperson."),
        coerce=int,
        error_messages={
            "required": _("Choose the group the statement is from."),
            "invalid_choice": _("Choose one of the groups you speak for."),
        },
    )
    proposal = _proposal_field()
    text = forms.CharField(
        label=_("Statement"),
        help_text=_("At most 10,000 characters. The group's name is shown with it."),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "required": _("Write the statement: the text is empty."),
            "max_length": _(
                "Shorten the text to at most %(limit_value)s characters (it has %(show_value)s)."
            ),
        },
    )
    recommendation = forms.ChoiceField(
        label=_("The group's recommendation"),
        choices=Statement.Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the group's recommendation.")},
    )
    resolution_date = forms.DateField(
        label=_("Resolved by the group on"),
        help_text=_("The date of the meeting or vote, for example 2026-03-14."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date on which the group resolved the statement."),
            "invalid": _("Give the date as year-month-day, for example 2026-03-14."),
        },
    )
    document = forms.FileField(
        label=_("Document (PDF, optional)"),
        help_text=_("The statement as resolved, as a PDF file of at most 10 MB."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "empty": _("The chosen file is empty. Choose the PDF document again."),
            "invalid": _("The file could not be read. Choose the PDF document again."),
        },
    )

    def __init__(self, *args, groups: list[Group], proposals: list[Proposal], **kwargs):
        super().__init__(*args, **kwargs)
        self.group_objects = {group.pk: group for group in groups}
        self.fields["group"].choices = [("", _("Choose a group"))] + [
            (group.pk, group.name) for group in groups
        ]
        if len(groups) == 1:
            self.fields["group"].widget = forms.HiddenInput()
            self.fields["group"].initial = groups[0].pk
        self.proposal_objects = {proposal.pk: proposal for proposal in proposals}
        self.fields["proposal"].choices = [("", _("The consultation as a whole"))] + [
            (proposal.pk, proposal.title) for proposal in proposals
        ]
        if not proposals:
            del self.fields["proposal"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "group": self.group_objects[data["group"]],
            "proposal": self.proposal_objects.get(data.get("proposal")),
            "text": data["text"],
            "recommendation": data["recommendation"],
            "resolution_date": data["resolution_date"],
            "document": data.get("document") or None,
        }


class ReviewCommentForm(ServiceErrorsMixin, forms.Form):
    """A comment in a group's internal discussion (the group is named by the page, not the
    form; the prefix keeps the forms of several groups apart)."""

    proposal = _proposal_field()
    text = forms.CharField(
        label=_("Your comment"),
        help_text=_("Seen only by the members of your group and the editors."),
        max_length=REVIEW_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Write your comment: the text is empty."),
            "max_length": _(
                "Shorten the text to at most %(limit_value)s characters (it has %(show_value)s)."
            ),
        },
    )

    def __init__(self, *args, group: Group, proposals: list[Proposal], **kwargs):
        super().__init__(*args, prefix=f"group-{group.pk}", **kwargs)
        self.group = group
        self.proposal_objects = {proposal.pk: proposal for proposal in proposals}
        self.fields["proposal"].choices = [("", _("The consultation as a whole"))] + [
            (proposal.pk, proposal.title) for proposal in proposals
        ]
        if not proposals:
            del self.fields["proposal"]
