"""The participation admin beyond moderation: proposals and the contribution exports, and who
may do what. The views check permissions and forms; the services do the work."""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from maps.widgets import AdminMapWidget

from . import exports
from .models import ConsultationPage, Proposal
from .selectors import CONSULTATION_CONTENT
from .services import proposal_save

MODERATE = "participation.change_contribution"
# Moderators may export what they moderate; editors need only the view permission.
EXPORT = ("participation.view_contribution", MODERATE)
EXPORT_LOG_ACTION = "participation.export_contributions"


def may_moderate(user) -> bool:
    return user.has_perm(MODERATE)


def may_export(user) -> bool:
    return any(user.has_perm(permission) for permission in EXPORT)


def export_url(consultation_id: int, export_format: str) -> str:
    return reverse("participation_export", args=[consultation_id, export_format])


EXPORT_LABELS = {
    "csv": _("Export contributions (CSV)"),
    "xlsx": _("Export contributions (Excel)"),
    "geojson": _("Export contributions (GeoJSON)"),
}


def export_buttons(consultation_id: int, *, priority: int = 50) -> list[Button]:
    return [
        Button(
            label,
            url=export_url(consultation_id, export_format),
            icon_name="download",
            priority=priority + number,
        )
        for number, (export_format, label) in enumerate(EXPORT_LABELS.items())
    ]


# Proposals ---------------------------------------------------------------------------------


class ProposalIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("consultation", "area")
            .defer(
                "geometry",
                "description",
                "area__geometry",
                *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
            )
        )


class ProposalSaveMixin:
    """Saves through `proposal_save` (which sets the area from the place); what it refuses
    comes back as form errors."""

    log_action = ""

    def save_instance(self):
        proposal = proposal_save(proposal=self.form.save(commit=False))
        log(instance=proposal, action=self.log_action, user=self.request.user)
        return proposal

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ProposalCreateView(ProposalSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def get_initial(self):
        """`?consultation=<id>` (the link from a consultation) chooses the consultation."""
        initial = super().get_initial()
        consultation = self.request.GET.get("consultation", "")
        if consultation.isdigit():
            initial["consultation"] = int(consultation)
        return initial


class ProposalEditView(ProposalSaveMixin, generic.EditView):
    log_action = "wagtail.edit"


class ProposalFilterSet(WagtailFilterSet):
    consultation = django_filters.ModelChoiceFilter(
        label=_("Consultation"),
        queryset=ConsultationPage.objects.defer(*CONSULTATION_CONTENT).order_by("title"),
    )

    class Meta:
        model = Proposal
        fields = ["consultation"]


class ProposalViewSet(ModelViewSet):
    """Editors add the proposals (measures, sites) of a consultation, placed on a map."""

    model = Proposal
    name = "participation_proposals"
    url_prefix = "beteiligung/vorschlaege"
    icon = "pick"
    menu_label = _("Proposals")
    add_to_admin_menu = True
    menu_order = 710
    copy_view_enabled = False
    index_view_class = ProposalIndexView
    add_view_class = ProposalCreateView
    edit_view_class = ProposalEditView
    list_display = ["title", "consultation", "area", "sort_order"]
    filterset_class = ProposalFilterSet
    search_fields = ["title", "description"]
    panels = [
        FieldPanel("consultation"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel(
            "geometry",
            widget=AdminMapWidget(attrs={"geom_type": "Geometry"}),
            help_text=_(
                "Optional: a point, line or area on the map. The planning area is found "
                "from it when saving."
            ),
        ),
        FieldPanel("image"),
        FieldPanel("sort_order"),
    ]


# Exports -----------------------------------------------------------------------------------


def contribution_export(request, consultation_id: int, export_format: str):
    """A consultation's contributions as CSV, XLSX or GeoJSON, for staff who may see
    contributions (403 for other staff). Each export is recorded in the consultation's
    history: which account exported which format when."""
    if export_format not in exports.FORMATS:
        raise Http404
    if not may_export(request.user):
        return permission_denied(request, PermissionDenied(_("You may not export contributions.")))
    consultation = get_object_or_404(
        ConsultationPage.objects.defer(*CONSULTATION_CONTENT), pk=consultation_id
    )
    log(
        instance=consultation,
        action=EXPORT_LOG_ACTION,
        user=request.user,
        data={"format": export_format},
    )
    return exports.contributions_response(
        consultation=consultation, export_format=export_format, user=request.user
    )
