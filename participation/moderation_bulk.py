"""Bulk approve and bulk reject in the moderation queue (Wagtail bulk actions)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction

from .admin_views import may_moderate
from .models import Contribution
from .moderation import ModerationFilterSet, RejectForm, may_approve, may_reject, queue_of
from .selectors import (
    moderation_find,
    moderation_queue,
)
from .services import contribution_moderate


class ModerationBulkAction(BulkAction):
    """Shared by bulk approve and bulk reject: only moderators, and "select all" means the
    filtered queue, never every contribution."""

    models = [Contribution]

    def dispatch(self, request, *args, **kwargs):
        if not may_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        contributions = list(moderation_find(pks=object_ids))
        if not contributions:
            raise Http404
        return contributions

    def get_all_objects_in_listing_query(self, parent_id):
        contributions = moderation_queue(queue=queue_of(self.request))
        filters = ModerationFilterSet(
            self.request.GET, queryset=contributions, request=self.request
        )
        if filters.is_valid():
            contributions = filters.qs
        return contributions.values_list("pk", flat=True)

    def get_execution_context(self):
        return {"moderator": self.request.user}


class ApproveBulkAction(ModerationBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected contributions")
    template_name = "participation/admin/bulk_approve.html"
    action_priority = 10

    def check_perm(self, obj):
        return may_approve(obj)

    @classmethod
    def execute_action(cls, objects, moderator=None, **kwargs):
        changed = contribution_moderate(contributions=objects, moderator=moderator, approve=True)
        return changed, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d contribution approved.",
            "%(count)d contributions approved.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class RejectBulkAction(ModerationBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject the selected contributions with one reason")
    template_name = "participation/admin/bulk_reject.html"
    action_priority = 20
    classes = {"serious"}
    form_class = RejectForm

    def check_perm(self, obj):
        return may_reject(obj)

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "reason": self.cleaned_form.cleaned_data["reason"],
        }

    @classmethod
    def execute_action(cls, objects, moderator=None, reason="", **kwargs):
        changed = contribution_moderate(
            contributions=objects, moderator=moderator, approve=False, reason=reason
        )
        return changed, 0

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was removed: give a reason."))
        return super().form_invalid(form)

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d contribution removed; its author is told why.",
            "%(count)d contributions removed; their authors are told why.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
