"""The groups in the admin: editors create and verify groups and manage their memberships
(roles, requests). The views save through the services, which keep the rules (date of
verification, the last spokesperson). People are picked with a searchable chooser, not a
select of every account."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log

from .models import Group, Membership
from .services.groups import CHANGE_MEMBERSHIP, group_save, membership_remove, membership_save

ADD_MEMBERSHIP = "participation.add_membership"


class ServiceSaveMixin:
    """Saves through a service; what it refuses comes back as form errors."""

    log_action = ""

    def save_with_service(self, instance):
        raise NotImplementedError

    def save_instance(self):
        instance = self.save_with_service(self.form.save(commit=False))
        log(instance=instance, action=self.log_action, user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if hasattr(error, "messages") else str(error))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class GroupSaveMixin(ServiceSaveMixin):
    def save_with_service(self, instance):
        return group_save(group=instance)


class GroupCreateView(GroupSaveMixin, generic.CreateView):
    log_action = "wagtail.create"


class GroupEditView(GroupSaveMixin, generic.EditView):
    log_action = "wagtail.edit"


class GroupViewSet(ModelViewSet):
    """Editors create groups and verify them."""

    model = Group
    name = "participation_groups"
    url_prefix = "beteiligung/gruppen"
    icon = "group"
    menu_label = _("Groups")
    copy_view_enabled = False
    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    list_display = ["name", "kind", "verified", "verified_at"]
    list_filter = ["kind", "verified"]
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("website"),
        FieldPanel(
            "verified",
            help_text=_(
                "Checked by the editors: the group is who it says it is. The date is set "
                "when you save."
            ),
        ),
    ]


class PersonSearchForm(BaseFilterForm):
    """Searches accounts by display name, user name or e-mail address, in the database: the
    accounts are not in the search index."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or e-mail address")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching, self.search_query = True, query
        return objects.filter(
            Q(display_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
        )


class MembershipEditorsOnly:
    """Only those who may add or change memberships see the accounts (with e-mail address)."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.has_perm(CHANGE_MEMBERSHIP) or request.user.has_perm(ADD_MEMBERSHIP)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonListMixin(MembershipEditorsOnly):
    filter_form_class = PersonSearchForm
    ordering = ["display_name", "pk"]

    @property
    def columns(self):
        return [*super().columns, Column("email", label=_("E-mail address"))]


class PersonChooseView(PersonListMixin, chooser.ChooseView):
    pass


class PersonChooseResultsView(PersonListMixin, chooser.ChooseResultsView):
    pass


class PersonChosenView(MembershipEditorsOnly, chooser.ChosenView):
    pass


class PersonChooserViewSet(ChooserViewSet):
    """Picks the person of a membership from a searchable, paginated list of accounts."""

    model = settings.AUTH_USER_MODEL
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    edit_item_text = _("Edit this account")
    per_page = 20
    register_widget = False  # only where a panel asks for it, not for every link to an account
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView
    chosen_view_class = PersonChosenView


person_chooser = PersonChooserViewSet(
    "participation_person_chooser", url_prefix="beteiligung/personen"
)


class MembershipSaveMixin(ServiceSaveMixin):
    def save_with_service(self, instance):
        return membership_save(membership=instance, saved_by=self.request.user)


class MembershipCreateView(MembershipSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def get_initial(self):
        """`?group=<id>` chooses the group."""
        initial = super().get_initial()
        group = self.request.GET.get("group", "")
        if group.isdigit():
            initial["group"] = int(group)
        return initial


class MembershipEditView(MembershipSaveMixin, generic.EditView):
    log_action = "wagtail.edit"


class MembershipDeleteView(generic.DeleteView):
    """Removes through `membership_remove`: the last spokesperson stays while others remain."""

    def delete_action(self):
        log(instance=self.object, action="wagtail.delete", user=self.request.user)
        membership_remove(membership=self.object, removed_by=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            messages.error(self.request, " ".join(getattr(error, "messages", None) or [str(error)]))
            return HttpResponseRedirect(self.get_success_url())


class MembershipIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "group")


class MembershipViewSet(ModelViewSet):
    """Editors manage who is in a group, with which role, and decide on requests."""

    model = Membership
    name = "participation_memberships"
    url_prefix = "beteiligung/mitgliedschaften"
    icon = "user"
    menu_label = _("Memberships")
    copy_view_enabled = False
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    list_display = ["user", "group", "role", "status", "requested_at"]
    list_filter = ["group", "role", "status"]
    panels = [
        FieldPanel("group"),
        FieldPanel("user", widget=person_chooser.widget_class),
        FieldPanel("role"),
        FieldPanel("status"),
        FieldPanel("message", read_only=True),
    ]


class GroupsMenu(ModelViewSetGroup):
    menu_label = _("Groups")
    menu_icon = "group"
    menu_order = 720
    items = (GroupViewSet, MembershipViewSet)


VIEWSETS: list = [GroupsMenu(), person_chooser]
