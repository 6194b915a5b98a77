"""The moderators' queue in the admin: pending and reported contributions, decided one by one
or in bulk, with a count on the menu. The views check permissions and forms;
`contribution_moderate` does the work (and tells the authors)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet

from .admin_views import export_buttons, may_export, may_moderate
from .models import ConsultationPage, Contribution
from .models.contributions import REASON_MAX_LENGTH
from .selectors import (
    CONSULTATION_CONTENT,
    MODERATION_QUEUES,
    moderation_get,
    moderation_queue,
    moderation_waiting_count,
)
from .services import contribution_moderate


def may_approve(contribution: Contribution) -> bool:
    """Approving is offered for what waits (pending or reported) and to restore a removed
    contribution; never for one already published without reports, whose author would be
    told of a decision nobody asked for."""
    return contribution.status in {Contribution.Status.PENDING, Contribution.Status.REJECTED} or (
        contribution.status == Contribution.Status.PUBLISHED and contribution.open_report_count > 0
    )


def may_reject(contribution: Contribution) -> bool:
    return contribution.status in {Contribution.Status.PENDING, Contribution.Status.PUBLISHED}


def moderation_url(consultation_id: int) -> str:
    query = urlencode({"consultation": consultation_id})
    return reverse("participation_moderation:index") + "?" + query


# The queue --------------------------------------------------------------------------------

QUEUE_CHOICES = [
    ("pending", _("Awaiting moderation")),
    ("reported", _("Reported")),
    ("published", _("All published (to remove one afterwards)")),
]


def queue_of(request) -> str:
    queue = request.GET.get("queue", "")
    return queue if queue in MODERATION_QUEUES else ""


class ModerationFilterSet(WagtailFilterSet):
    # The queue decides the listing's base queryset (see `ModerationIndexView`), so that a
    # bad value in another filter never widens the listing beyond the queue.
    queue = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=QUEUE_CHOICES,
        empty_label=_("Waiting: pending and reported"),
        method="keep",
    )
    consultation = django_filters.ModelChoiceFilter(
        label=_("Consultation"),
        queryset=ConsultationPage.objects.defer(*CONSULTATION_CONTENT).order_by("title"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Contribution.Category.choices
    )

    class Meta:
        model = Contribution
        fields = ["queue", "consultation", "category"]

    def keep(self, queryset, name, value):
        return queryset


def place_label(contribution: Contribution) -> str:
    parts = [contribution.area.name] if contribution.area_id else []
    if contribution.has_geometry:
        parts.append(str(_("on the map")))
    return " · ".join(parts) or str(_("no place"))


class ContributionColumn(Column):
    """The text with what a moderator decides with: approve (one click), reject (with a
    reason), and a link to the public page."""

    cell_template_name = "participation/admin/cells/contribution.html"

    def __init__(self, *args, next_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_url = next_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context.update(
            {
                "csrf_token": get_token(request),
                "next_url": self.next_url,
                "approve_url": reverse("participation_moderation:approve", args=[instance.pk])
                if may_approve(instance)
                else "",
                "reject_url": reverse("participation_moderation:reject", args=[instance.pk]),
                "public_url": self.public_url(instance),
            }
        )
        return context

    @staticmethod
    def public_url(contribution: Contribution) -> str:
        """Its public page, when it has one (visible, on a live page the site routes to)."""
        consultation = contribution.consultation
        if contribution.is_visible and consultation.live and consultation.url:
            return contribution.url
        return ""


class ReportsColumn(Column):
    cell_template_name = "participation/admin/cells/reports.html"


class ModerationIndexView(generic.IndexView):
    model = Contribution
    template_name = "participation/admin/moderation_index.html"
    page_title = _("Moderation")
    header_icon = "warning"
    any_permission_required = None
    permission_required = "change"
    filterset_class = ModerationFilterSet
    default_ordering = "created_at"
    paginate_by = 50

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Not the generic spreadsheet of the listing: exports are per consultation (see below).
        self.is_export = False

    def get_base_queryset(self):
        return moderation_queue(queue=queue_of(self.request))

    @cached_property
    def tabs(self) -> list[dict]:
        """Links to the queues, keeping the other filters."""
        current = queue_of(self.request)
        tabs = []
        for queue, label in [("", _("Waiting")), *QUEUE_CHOICES]:
            query = self.request.GET.copy()
            for parameter in ("queue", self.page_kwarg, "_w_filter_fragment"):
                query.pop(parameter, None)
            if queue:
                query["queue"] = queue
            url = self.index_url + (f"?{query.urlencode()}" if query else "")
            tabs.append({"label": label, "url": url, "current": queue == current})
        return tabs

    @cached_property
    def return_url(self) -> str:
        """This listing with its filters (also when the results are fetched alone)."""
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        return self.index_url + (f"?{query.urlencode()}" if query else "")

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="contribution"),
            ContributionColumn("text", label=_("Contribution"), next_url=self.return_url),
            Column(
                "consultation",
                label=_("Consultation"),
                accessor="consultation.title",
                sort_key="consultation__title",
            ),
            Column("category", label=_("Category"), accessor="get_category_display"),
            Column("place", label=_("Place"), accessor=place_label),
            Column("author", label=_("Author"), accessor=lambda c: str(c.author or "")),
            DateColumn("created_at", label=_("Created"), sort_key="created_at"),
            ReportsColumn("open_report_count", label=_("Reports"), sort_key="open_report_count"),
        ]

    @cached_property
    def header_more_buttons(self):
        """Export buttons once the listing is narrowed to one consultation."""
        buttons = list(super().header_more_buttons)
        consultation = self.request.GET.get("consultation", "")
        if consultation.isdigit() and may_export(self.request.user):
            buttons += export_buttons(int(consultation))
        return buttons


class DecisionForm(forms.Form):
    pass


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown publicly in place of the text, and sent to the author. Name the rule that "
            "was broken; write nothing about the person."
        ),
        error_messages={"required": _("Give a reason: it is shown instead of the text.")},
    )


class DecisionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Approve or reject one contribution (GET shows it with its reports, POST decides)."""

    model = Contribution
    permission_required = "change"
    template_name = "participation/admin/decision.html"
    header_icon = "warning"
    approve = True

    @cached_property
    def contribution(self) -> Contribution:
        # Looked up after the permission check, so that nobody else learns which ids exist.
        contribution = moderation_get(pk=self.kwargs["pk"])
        if contribution is None:
            raise Http404
        return contribution

    def get_form_class(self):
        return DecisionForm if self.approve else RejectForm

    def get_page_title(self):
        return _("Approve") if self.approve else _("Reject")

    def get_page_subtitle(self):
        return str(self.contribution)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("participation_moderation:index"), "label": _("Moderation")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def next_url(self) -> str:
        return get_valid_next_url_from_request(self.request) or reverse(
            "participation_moderation:index"
        )

    def refusal(self):
        """A way back when there is nothing to decide (e.g. already removed, or withdrawn)."""
        possible = may_approve if self.approve else may_reject
        if possible(self.contribution):
            return None
        messages.warning(
            self.request,
            _("%(contribution)s is “%(status)s”: there is nothing to decide.")
            % {
                "contribution": self.contribution,
                "status": self.contribution.get_status_display(),
            },
        )
        return redirect(self.next_url)

    def get(self, request, *args, **kwargs):
        return self.refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contribution=self.contribution,
            approve=self.approve,
            next=self.next_url,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            contribution_moderate(
                contributions=[self.contribution],
                moderator=self.request.user,
                approve=self.approve,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            form.add_error("reason" if not self.approve else None, error)
            return self.form_invalid(form)
        if self.approve:
            messages.success(
                self.request,
                _("%(contribution)s is published; open reports are closed.")
                % {"contribution": self.contribution},
            )
        else:
            messages.success(
                self.request,
                _("%(contribution)s is removed; its author is told why.")
                % {"contribution": self.contribution},
            )
        return redirect(self.next_url)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing changed: the form has errors."))
        return super().form_invalid(form)


class ModerationMenuItem(MenuItem):
    """ "Moderation (3)": the number of contributions waiting, for those who moderate."""

    def is_shown(self, request):
        return may_moderate(request.user)

    def render_component(self, request):
        count = moderation_waiting_count()
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs)


class ModerationViewSet(ViewSet):
    """The moderators' queue: pending and reported contributions, decided one by one or in
    bulk (the bulk actions are registered in `wagtail_hooks`)."""

    name = "participation_moderation"
    url_prefix = "beteiligung/moderation"
    icon = "warning"
    menu_label = _("Moderation")
    add_to_admin_menu = True
    menu_order = 700
    menu_item_class = ModerationMenuItem

    def get_urlpatterns(self):
        index = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        return [
            path("", ModerationIndexView.as_view(**index), name="index"),
            path(
                "results/",
                ModerationIndexView.as_view(**index, results_only=True),
                name="index_results",
            ),
            path("<int:pk>/approve/", DecisionView.as_view(approve=True), name="approve"),
            path("<int:pk>/reject/", DecisionView.as_view(approve=False), name="reject"),
        ]
