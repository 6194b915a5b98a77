"""The public group pages: the list, a group's page, asking to join, leaving, and the
spokespersons' page for requests, roles and members. Each view validates input, calls a
service and renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import GroupFilterForm, GroupJoinForm, MembershipRoleForm
from ..models import Group, Membership
from ..selectors.groups import (
    group_get,
    group_list,
    group_membership_of,
    group_memberships,
    group_public_statements,
    group_spokespersons,
)
from ..services.groups import (
    MAY_NOT_CHANGE_MEMBERS,
    group_join_request,
    membership_approve,
    membership_decline,
    membership_leave,
    membership_may_decide,
    membership_remove,
    membership_role_change,
)


def _group_or_404(slug: str) -> Group:
    group = group_get(slug=slug)
    if group is None:
        raise Http404
    return group


def _members_url(group: Group) -> str:
    return reverse("participation:group_members", kwargs={"slug": group.slug})


def _error_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@require_http_methods(["GET", "HEAD"])
def group_index(request):
    """All groups, filtered by kind."""
    form = GroupFilterForm(request.GET or None)
    return render(
        request,
        "participation/groups/group_list.html",
        {"filter_form": form, "groups": list(group_list(kind=form.kind()))},
    )


@require_http_methods(["GET", "HEAD"])
def group_detail(request, slug: str):
    """A group: what it is, whether it is verified, how many members it has (no names but
    the spokespersons' display names) and its public statements."""
    group = _group_or_404(slug)
    return render(
        request,
        "participation/groups/group_detail.html",
        {
            "group": group,
            "spokespersons": group_spokespersons(group=group),
            "statements": list(group_public_statements(group=group)),
            "membership": group_membership_of(group=group, user=request.user),
            "may_decide": membership_may_decide(group=group, user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def group_join(request, slug: str):
    """Ask to join a group, with an optional message (signed-in people only)."""
    group = _group_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.path, settings.LOGIN_URL)
    membership = group_membership_of(group=group, user=request.user)
    form = GroupJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group_join_request(group=group, user=request.user, message=form.cleaned_data["message"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_messages in error.message_dict.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.info(request, _error_text(error))
                return HttpResponseRedirect(group.get_absolute_url())
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(
                request,
                _("You have asked to join %(group)s. A spokesperson will decide.")
                % {"group": group.name},
            )
            return HttpResponseRedirect(group.get_absolute_url())
    return render(
        request,
        "participation/groups/group_join.html",
        {"group": group, "form": form, "membership": membership},
    )


@require_POST
def group_leave(request, slug: str):
    """Leave a group, or withdraw a request to join."""
    group = _group_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(group.get_absolute_url(), settings.LOGIN_URL)
    membership = group_membership_of(group=group, user=request.user)
    try:
        membership_leave(group=group, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if membership is not None and membership.status == Membership.Status.REQUESTED:
            messages.success(request, _("You have withdrawn your request to join."))
        else:
            messages.success(request, _("You have left %(group)s.") % {"group": group.name})
    return HttpResponseRedirect(group.get_absolute_url())


@require_http_methods(["GET", "HEAD"])
def group_members(request, slug: str):
    """The requests to join and the members, for the group's spokespersons and the editors:
    they decide on requests, change roles and remove members here."""
    group = _group_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.path, settings.LOGIN_URL)
    if not membership_may_decide(group=group, user=request.user):
        raise PermissionDenied(
            _("Only a spokesperson of this group or an editor may see its members.")
        )
    return render(
        request,
        "participation/groups/group_members.html",
        {
            "group": group,
            "requests": list(group_memberships(group=group, status=Membership.Status.REQUESTED)),
            "members": list(group_memberships(group=group, status=Membership.Status.ACTIVE)),
        },
    )


@require_POST
def membership_decide(request, slug: str, pk: int, decision: str):
    """Approve or decline one request to join (POST from the members page)."""
    group = _group_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(_members_url(group), settings.LOGIN_URL)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "group"), pk=pk, group=group
    )
    name = str(membership.user)
    try:
        if decision == "approve":
            membership_approve(membership=membership, decided_by=request.user)
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
        else:
            membership_decline(membership=membership, decided_by=request.user)
            messages.success(
                request, _("You have declined the request of %(name)s.") % {"name": name}
            )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return HttpResponseRedirect(_members_url(group))


def _active_member_or_404(request, slug: str, pk: int) -> Membership:
    """An active member of the group, for someone who decides on its members: 403 for anyone
    else (before anything about the membership is revealed), 404 for an unknown one."""
    group = _group_or_404(slug)
    if not membership_may_decide(group=group, user=request.user):
        raise PermissionDenied(MAY_NOT_CHANGE_MEMBERS)
    return get_object_or_404(
        Membership.objects.select_related("user", "group"),
        pk=pk,
        group=group,
        status=Membership.Status.ACTIVE,
    )


@require_POST
def membership_role(request, slug: str, pk: int):
    """Make a member spokesperson, or a spokesperson a member again (POST from the members
    page)."""
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse("participation:group_members", args=[slug]), settings.LOGIN_URL
        )
    membership = _active_member_or_404(request, slug, pk)
    form = MembershipRoleForm(request.POST)
    name = str(membership.user)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        role = form.cleaned_data["role"]
        try:
            membership_role_change(membership=membership, role=role, changed_by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if role == Membership.Role.SPOKESPERSON:
                text = _("%(name)s is now a spokesperson.")
            else:
                text = _("%(name)s is no longer a spokesperson.")
            messages.success(request, text % {"name": name})
    return HttpResponseRedirect(_members_url(membership.group))


@require_POST
def membership_remove_view(request, slug: str, pk: int):
    """Remove a member from the group (POST from the members page)."""
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse("participation:group_members", args=[slug]), settings.LOGIN_URL
        )
    membership = _active_member_or_404(request, slug, pk)
    name = str(membership.user)
    try:
        membership_remove(membership=membership, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(name)s is no longer a member of %(group)s.")
            % {"name": name, "group": membership.group.name},
        )
    return HttpResponseRedirect(_members_url(membership.group))
