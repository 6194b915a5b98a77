"""The public consultation pages. Each function serves one route of `ConsultationPage` or
`ConsultationIndexPage`: it validates input with a form, calls a service and renders."""

from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _

from cms.forms import form_data_keep, form_data_recovered
from maps.selectors import area_containing, area_feature_collection

from ..forms import (
    ConsultationFilterForm,
    ContributionFilterForm,
    ContributionForm,
    ReplyForm,
    ReportForm,
)
from ..models import Contribution, Proposal
from ..selectors import (
    consultation_area_choices,
    consultation_list,
    contribution_features,
    contribution_get,
    proposal_features,
    public_contributions,
    supported_ids,
)
from ..selectors.groups import user_groups
from ..services import (
    contribution_create,
    contribution_may_post,
    reply_create,
    report_create,
    support_toggle,
)

CONTRIBUTIONS_PER_PAGE = 20


def _subpage_url(page, name: str, *args) -> str:
    return page.url + page.reverse_subpage(name, args=args)


def consultation_index(index, request):
    """All consultations with filters, and a map of their areas with the same list."""
    form = ConsultationFilterForm(request.GET or None)
    consultations = list(consultation_list(**form.filter_kwargs()))
    area_ids = {area.pk for consultation in consultations for area in consultation.areas.all()}
    from maps.models import Area

    return index.render(
        request,
        context_overrides={
            "filter_form": form,
            "consultations": consultations,
            "areas_map": area_feature_collection(Area.objects.filter(pk__in=area_ids)),
        },
    )


def _proposals(page) -> list[Proposal]:
    return list(page.proposals.select_related("area", "image").defer("area__geometry"))


def _filter_form(page, request, proposals) -> ContributionFilterForm:
    areas = consultation_area_choices(consultation=page)
    return ContributionFilterForm(request.GET or None, areas=areas, proposals=proposals)


def consultation_detail(page, request):
    """The consultation: what, where, when; its proposals; its contributions as a map and as
    a paginated list with the same filters."""
    proposals = _proposals(page)
    filter_form = _filter_form(page, request, proposals)
    filters = filter_form.filters()
    contributions = filters.apply(public_contributions(consultation=page))
    listed = Paginator(contributions, CONTRIBUTIONS_PER_PAGE).get_page(request.GET.get("seite"))
    query = {
        name: value for name, value in request.GET.items() if name in filter_form.fields and value
    }
    return page.render(
        request,
        context_overrides={
            "base_url": page.url,
            "proposals": proposals,
            "filter_form": filter_form,
            "contributions": listed,
            "supported": supported_ids(user=request.user, contributions=listed),
            "query_prefix": urlencode(query) + "&" if query else "",
            "features_url": _subpage_url(page, "contribution_features")
            + ("?" + urlencode(query) if query else ""),
            "proposal_features": proposal_features(proposals).decode(),
            "outline": _outline_geojson(page),
            "may_post_reason": _may_post_reason(page, request.user),
        },
    )


def _outline_geojson(page) -> str:
    outline = page.consultation_area
    return outline.geojson if outline is not None else ""


def _may_post_reason(page, user) -> str:
    """Why the user cannot contribute now ('' when they can)."""
    try:
        contribution_may_post(consultation=page, user=user)
    except PermissionDenied as denied:
        return str(denied)
    return ""


def contribution_features_json(page, request):
    """The map's GeoJSON: the same contributions and filters as the list, all pages."""
    filter_form = _filter_form(page, request, _proposals(page))
    if filter_form.is_bound and not filter_form.is_valid():
        return JsonResponse({"detail": _("Unknown filter value.")}, status=400)
    contributions = filter_form.filters().apply(public_contributions(consultation=page))
    response = HttpResponse(
        contribution_features(contributions), content_type="application/geo+json"
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


def place_check(page, request):
    """For the map: in which area a point lies and whether it is inside the consultation area
    (the live region announces it). The server checks the place again when the form is sent."""
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return JsonResponse({"detail": _("Give lon and lat as numbers.")}, status=400)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return JsonResponse({"detail": _("Coordinates out of range.")}, status=400)
    from django.contrib.gis.geos import Point

    point = Point(lon, lat, srid=4326)
    outline = page.consultation_area
    area = area_containing(geometry=point)
    return JsonResponse(
        {
            "inside": outline is None or outline.covers(point),
            "area": area.name if area else "",
            "area_level": area.get_level_display() if area else "",
        }
    )


def contribute(page, request):
    """The contribution form. Anyone not logged in is sent to the login and comes back to
    what they typed; so does anyone whose session expired while typing."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            form_data_keep(request)
        return redirect_to_login(request.path, settings.LOGIN_URL)
    reason = _may_post_reason(page, request.user)
    proposals = _proposals(page)
    groups = user_groups(user=request.user)
    recovered = None
    if request.method == "POST" and not reason:
        form = ContributionForm(request.POST, consultation=page, proposals=proposals, groups=groups)
        if form.is_valid():
            if form.is_spam():
                return HttpResponseRedirect(page.url)
            try:
                contribution = contribution_create(
                    consultation=page, author=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                form.add_service_errors(error.message_dict)
            except PermissionDenied as denied:
                reason = str(denied)
            else:
                return _after_contribution(page, request, contribution)
    else:
        recovered = form_data_recovered(request)
        initial = recovered or {}
        if "vorschlag" in request.GET and request.GET["vorschlag"].isdigit():
            initial.setdefault("proposal", int(request.GET["vorschlag"]))
        form = ContributionForm(
            initial=initial, consultation=page, proposals=proposals, groups=groups
        )
    return page.render(
        request,
        template="participation/contribution_form.html",
        context_overrides={
            "base_url": page.url,
            "form": form,
            "closed_reason": reason,
            "form_recovered": recovered is not None,
            "outline": _outline_geojson(page),
            "proposal_features": proposal_features(proposals).decode(),
            "place_check_url": _subpage_url(page, "place_check"),
            "geometry_kinds": page.geometry_kinds,
            "picker_messages": _picker_messages(),
        },
    )


def _picker_messages() -> dict[str, str]:
    """What the map's live region says; %(name)s placeholders are filled in by the script."""
    return {
        "pointSet": _("Point set at latitude %(lat)s, longitude %(lon)s."),
        "cornerSet": _("Corner %(count)s set at latitude %(lat)s, longitude %(lon)s."),
        "cornersMissing": _("Set %(count)s more."),
        "inArea": _("Area: %(area)s."),
        "outside": _("This place is outside the consultation area."),
        "removed": _("Last point removed; %(count)s left."),
        "cleared": _("Place cleared."),
        "kindChanged": _("Drawing started again."),
    }


def _after_contribution(page, request, contribution: Contribution):
    if contribution.status == Contribution.Status.PENDING:
        messages.success(
            request,
            _("Thank you! Your contribution will appear once a moderator has approved it."),
        )
        return HttpResponseRedirect(page.url)
    messages.success(request, _("Thank you! Your contribution is published."))
    return HttpResponseRedirect(contribution.url)


def _visible_contribution(page, pk: int) -> Contribution:
    contribution = contribution_get(consultation=page, pk=pk)
    if contribution is None:
        raise Http404
    return contribution


def contribution_detail(page, request, pk: int):
    """A contribution's permalink: the text (or the reason it was removed), its place, its
    replies, support and a reply form."""
    contribution = _visible_contribution(page, pk)
    form = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            form_data_keep(request)
            return redirect_to_login(request.path, settings.LOGIN_URL)
        form = ReplyForm(request.POST)
        if form.is_valid():
            if form.is_spam():
                return HttpResponseRedirect(request.path)
            try:
                reply = reply_create(
                    parent=contribution, author=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("text", message)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            else:
                if reply.status == Contribution.Status.PENDING:
                    messages.success(
                        request, _("Thank you! Your reply will appear once it is approved.")
                    )
                else:
                    messages.success(request, _("Thank you! Your reply is published."))
                return HttpResponseRedirect(request.path)
    if form is None:
        recovered = form_data_recovered(request)
        form = ReplyForm(recovered) if recovered else ReplyForm()
    feature = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": contribution.pk},
                "geometry": orjson.loads(contribution.geometry.geojson),
            }
        ]
        if contribution.geometry is not None
        and contribution.status == Contribution.Status.PUBLISHED
        else [],
    }
    return page.render(
        request,
        template="participation/contribution_detail.html",
        context_overrides={
            "base_url": page.url,
            "contribution": contribution,
            "reply_form": form,
            "supported": supported_ids(user=request.user, contributions=[contribution]),
            "contribution_feature": orjson.dumps(feature).decode(),
            "outline": _outline_geojson(page),
            "may_post_reason": _may_post_reason(page, request.user),
        },
    )


def contribution_support(page, request, pk: int):
    """Support a contribution or take the support back (POST), then return to where it was."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    contribution = _visible_contribution(page, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(contribution.url, settings.LOGIN_URL)
    try:
        now = support_toggle(contribution=contribution, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("You support this contribution.") if now else _("You no longer support it."),
        )
    back = request.POST.get("next", "")
    if not back.startswith(page.url):
        back = _subpage_url(page, "contribution", pk)
    return HttpResponseRedirect(back + f"#beitrag-{pk}")


def contribution_report(page, request, pk: int):
    """Report a contribution to the moderators, with a reason."""
    contribution = _visible_contribution(page, pk)
    if not request.user.is_authenticated:
        if request.method == "POST":
            form_data_keep(request)
        return redirect_to_login(request.path, settings.LOGIN_URL)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            if not form.is_spam():
                try:
                    report_create(
                        contribution=contribution,
                        reporter=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error("reason", message)
            if not form.errors:
                messages.success(
                    request, _("Thank you. The moderators will look at this contribution.")
                )
                return HttpResponseRedirect(contribution.url)
    else:
        recovered = form_data_recovered(request)
        form = ReportForm(recovered) if recovered else ReportForm()
    return page.render(
        request,
        template="participation/contribution_report.html",
        context_overrides={"base_url": page.url, "contribution": contribution, "form": form},
    )


def proposal_detail(page, request, pk: int):
    """A proposal with its place and the contributions about it."""
    proposal = next((p for p in _proposals(page) if p.pk == pk), None)
    if proposal is None:
        raise Http404
    contributions = public_contributions(consultation=page).filter(proposal=proposal)
    listed = Paginator(contributions, CONTRIBUTIONS_PER_PAGE).get_page(request.GET.get("seite"))
    return page.render(
        request,
        template="participation/proposal_detail.html",
        context_overrides={
            "base_url": page.url,
            "proposal": proposal,
            "contributions": listed,
            "supported": supported_ids(user=request.user, contributions=listed),
            "proposal_features": proposal_features([proposal]).decode(),
            "outline": _outline_geojson(page),
            "may_post_reason": _may_post_reason(page, request.user),
        },
    )
