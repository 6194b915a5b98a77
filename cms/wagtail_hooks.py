from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.models import AccessibilityFeedback


class ReportsOnlyPolicy(ModelPermissionPolicy):
    """Reports come from the public form; nobody creates them in the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(AccessibilityFeedback, ReportsOnlyPolicy(AccessibilityFeedback))


class AccessibilityFeedbackViewSet(ModelViewSet):
    """Editors read barrier reports and track their answer; reports are never created here."""

    model = AccessibilityFeedback
    name = "accessibility_feedback"
    icon = "help"
    menu_label = _("Accessibility feedback")
    add_to_admin_menu = True
    menu_order = 800
    inspect_view_enabled = True
    form_fields = ["status"]
    list_display = ["category", "page_url", "status", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["message", "page_url"]
    inspect_view_fields = [
        "category",
        "page_url",
        "message",
        "name",
        "email",
        "status",
        "created_at",
    ]


@hooks.register("register_admin_viewset")
def register_accessibility_feedback_viewset():
    return AccessibilityFeedbackViewSet()
