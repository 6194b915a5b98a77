from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import answer_admin, group_admin
from .admin_views import (
    EXPORT_LOG_ACTION,
    ProposalViewSet,
    contribution_export,
    export_buttons,
    may_export,
    may_moderate,
)
from .models import ConsultationPage
from .moderation import (
    ModerationViewSet,
    moderation_url,
)
from .moderation_bulk import ApproveBulkAction, RejectBulkAction

PROPOSAL_PERMISSIONS = (
    "participation.add_proposal",
    "participation.change_proposal",
    "participation.view_proposal",
)


@hooks.register("register_admin_viewset")
def register_participation_viewsets():
    return [ModerationViewSet(), ProposalViewSet(), *group_admin.VIEWSETS, *answer_admin.VIEWSETS]


@hooks.register("register_admin_urls")
def register_export_urls():
    return [
        path(
            "beteiligung/<int:consultation_id>/export.<str:export_format>",
            contribution_export,
            name="participation_export",
        ),
        *answer_admin.URLS,
    ]


hooks.register("register_bulk_action", ApproveBulkAction)
hooks.register("register_bulk_action", RejectBulkAction)


@hooks.register("register_permissions")
def register_contribution_permissions():
    """Lets administrators grant moderation (change), export (view) and answering in the group
    editor; contributions and answers have no model viewset that would do it."""
    return Permission.objects.filter(
        content_type__app_label="participation",
        codename__in=["view_contribution", "change_contribution", *answer_admin.PERMISSIONS],
    )


@hooks.register("register_log_actions")
def register_export_log_action(actions):
    actions.register_action(
        EXPORT_LOG_ACTION, _("Export contributions"), _("Contributions exported")
    )


def _consultation_buttons(page, user, priority: int):
    if page.specific_class is not ConsultationPage:
        return
    if any(user.has_perm(permission) for permission in PROPOSAL_PERMISSIONS):
        yield Button(
            _("Proposals"),
            reverse("participation_proposals:index") + f"?consultation={page.pk}",
            icon_name="pick",
            priority=priority,
        )
    if may_moderate(user):
        yield Button(
            _("Moderation"), moderation_url(page.pk), icon_name="warning", priority=priority + 1
        )
    if may_export(user):
        yield from export_buttons(page.pk, priority=priority + 2)


@hooks.register("register_page_listing_more_buttons")
def consultation_listing_buttons(page, user, next_url=None):
    yield from _consultation_buttons(page, user, priority=70)


@hooks.register("register_page_header_buttons")
def consultation_header_buttons(page, user, view_name, next_url=None):
    yield from _consultation_buttons(page, user, priority=75)
