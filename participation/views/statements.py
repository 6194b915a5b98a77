"""Statements of groups and the review phase. Whether the consultation may be seen at all is
decided before any of these runs (`ConsultationRoutes.serve`)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from ..models import Group, Phase, Proposal
from ..selectors.groups import member_group_ids, member_groups
from ..selectors.review import (
    invited_group_ids,
    is_editor,
    review_comments,
    review_groups,
    visible_statements,
)
from ..services.statements import (
    review_comment_create,
    review_publish,
    statement_may_publish,
)
from ..services.statements import (
    statement_create as statement_create_service,
)
from ..statement_forms import ReviewCommentForm, StatementForm


def _subpage_url(page, name: str, *args) -> str:
    return page.url + page.reverse_subpage(name, args=args)


def _proposals(page) -> list[Proposal]:
    return list(page.proposals.defer("geometry").order_by("sort_order", "pk"))


def _publishing_groups(page, user) -> tuple[list[Group], str]:
    """The groups the user may publish a statement for now, and why there are none."""
    spoken_for = member_groups(user=user, spokesperson=True)
    groups, reason = [], ""
    for group in spoken_for:
        try:
            statement_may_publish(consultation=page, group=group, user=user)
        except PermissionDenied as denied:
            reason = reason or str(denied)
        else:
            groups.append(group)
    if not groups and not reason:
        reason = _(
            "Only the spokesperson of a group can publish a statement. "
            "Individuals can write a contribution instead."
        )
    return groups, reason


def statement_create(page, request):
    """The statement form of a group's spokesperson (`?vorschlag=<id>` chooses a proposal)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    groups, reason = _publishing_groups(page, request.user)
    proposals = _proposals(page)
    if request.method == "POST" and groups:
        form = StatementForm(request.POST, request.FILES, groups=groups, proposals=proposals)
        if form.is_valid():
            try:
                statement = statement_create_service(
                    consultation=page, author=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                form.add_service_errors(error.message_dict)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            else:
                if statement.in_review:
                    messages.success(
                        request,
                        _(
                            "The statement is saved. Your group and the editors see it now; "
                            "everyone else once the review is published."
                        ),
                    )
                else:
                    messages.success(request, _("The statement is published."))
                return HttpResponseRedirect(_subpage_url(page, "statement", statement.pk))
    else:
        initial = {}
        proposal = request.GET.get("vorschlag", "")
        if proposal.isdigit() and int(proposal) in {p.pk for p in proposals}:
            initial["proposal"] = int(proposal)
        form = StatementForm(initial=initial, groups=groups, proposals=proposals)
    return page.render(
        request,
        template="participation/statements/statement_form.html",
        context_overrides={
            "base_url": page.url,
            "form": form,
            "closed_reason": "" if groups else reason,
            "single_group": groups[0] if len(groups) == 1 else None,
            "in_review": page.phase == Phase.REVIEW,
        },
    )


def statement_detail(page, request, pk: int):
    """A statement's permalink: text, group, recommendation, document and the answer."""
    statement = visible_statements(consultation=page, user=request.user).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return page.render(
        request,
        template="participation/statements/statement_detail.html",
        context_overrides={"base_url": page.url, "statement": statement},
    )


def review(page, request):
    """The review for the invited groups' members and the editors: the proposals, each own
    group's internal discussion with a form, the way to the statement form; for editors all
    discussions and the button that publishes the review. 404 for everyone else."""
    if page.review_end is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.path, settings.LOGIN_URL)
    groups = review_groups(request.user, page)
    editor = is_editor(request.user, page)
    if not groups and not editor:
        raise Http404
    proposals = _proposals(page)
    member_of = member_group_ids(user=request.user) & invited_group_ids(page)
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "publish":
            try:
                review_publish(consultation=page, user=request.user)
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("The review is published."))
            return HttpResponseRedirect(request.path)
        group = next((g for g in groups if str(g.pk) == request.POST.get("group")), None)
        if action == "comment" and group is not None and group.pk in member_of:
            form = ReviewCommentForm(request.POST, group=group, proposals=proposals)
            if form.is_valid():
                try:
                    review_comment_create(
                        consultation=page,
                        group=group,
                        author=request.user,
                        text=form.cleaned_data["text"],
                        proposal=form.proposal_objects.get(form.cleaned_data.get("proposal")),
                    )
                except ValidationError as error:
                    form.add_service_errors(error.message_dict)
                except PermissionDenied as denied:
                    form.add_error(None, str(denied))
                else:
                    messages.success(request, _("Your comment is added to the discussion."))
                    return HttpResponseRedirect(request.path + f"#gruppe-{group.pk}")
            forms[group.pk] = form
    discussion = review_comments(consultation=page, groups=groups)
    discussions = [
        {
            "group": group,
            "comments": discussion[group.pk],
            "form": forms.get(group.pk)
            or (
                ReviewCommentForm(group=group, proposals=proposals)
                if group.pk in member_of and page.in_review
                else None
            ),
        }
        for group in groups
    ]
    may_write, _reason = _publishing_groups(page, request.user)
    return page.render(
        request,
        template="participation/statements/review.html",
        context_overrides={
            "base_url": page.url,
            "proposals": proposals,
            "discussions": discussions,
            "is_editor": editor,
            "may_write_statement": bool(may_write),
        },
    )
