"""Public pages outside the consultation pages: groups and their members."""

from django.urls import path

from .views import groups

app_name = "participation"
urlpatterns = [
    path("", groups.group_index, name="group_list"),
    path("<slug:slug>/", groups.group_detail, name="group_detail"),
    path("<slug:slug>/beitreten/", groups.group_join, name="group_join"),
    path("<slug:slug>/austreten/", groups.group_leave, name="group_leave"),
    path("<slug:slug>/mitglieder/", groups.group_members, name="group_members"),
    path(
        "<slug:slug>/mitglieder/<int:pk>/annehmen/",
        groups.membership_decide,
        {"decision": "approve"},
        name="membership_approve",
    ),
    path(
        "<slug:slug>/mitglieder/<int:pk>/ablehnen/",
        groups.membership_decide,
        {"decision": "decline"},
        name="membership_decline",
    ),
    path(
        "<slug:slug>/mitglieder/<int:pk>/rolle/",
        groups.membership_role,
        name="membership_role",
    ),
    path(
        "<slug:slug>/mitglieder/<int:pk>/entfernen/",
        groups.membership_remove_view,
        name="membership_remove",
    ),
]
