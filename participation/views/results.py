"""A consultation's result report: what became of every contribution and statement, as counts,
charts with their tables, a map coloured by outcome with the table of the same contributions,
and downloads. Public from the result date; before, its editors see it as a preview.

Whether the consultation may be seen at all is decided before any of these runs
(`ConsultationRoutes.serve`)."""

import orjson
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from .. import exports
from ..charts import column_chart, horizontal_chart
from ..models import Answer, Phase
from ..selectors import contribution_features
from ..selectors.results import (
    may_see_result,
    result_contributions,
    result_figures,
    result_statements,
)

ROWS_PER_PAGE = 50
RESULT_FORMATS = ("csv", "geojson")
# The map's colours by outcome ("": not answered yet), told apart by people with the common
# colour vision deficiencies and at least 3:1 against the map's light background. The
# legend shows them beside the outcome's name; the table under the map says it in words.
OUTCOME_COLOURS = {
    Answer.Outcome.ADOPTED: "#0b6e4f",
    Answer.Outcome.PARTLY: "#8a5a00",
    Answer.Outcome.NOT_ADOPTED: "#a4262c",
    Answer.Outcome.OUT_OF_SCOPE: "#5c2d91",
    "": "#3b3b3b",
}


def _subpage_url(page, name: str, *args) -> str:
    return page.url + page.reverse_subpage(name, args=args)


def _check(page, request) -> None:
    if not may_see_result(request.user, page):
        raise Http404


def _charts(figures) -> list:
    count = _("Contributions")
    return [
        column_chart(
            id="diagramm-tage",
            title=_("Contributions per day"),
            days=figures.per_day,
            count_heading=count,
        ),
        horizontal_chart(
            id="diagramm-gebiete",
            title=_("Contributions per area"),
            rows=[(row.label, row.count) for row in figures.by_area],
            label_heading=_("Area"),
            count_heading=count,
        ),
        horizontal_chart(
            id="diagramm-kategorien",
            title=_("Contributions per category"),
            rows=[(row.label, row.count) for row in figures.by_category],
            label_heading=_("Category"),
            count_heading=count,
        ),
    ]


def result(page, request):
    _check(page, request)
    figures = result_figures(consultation=page)
    listed = Paginator(result_contributions(consultation=page), ROWS_PER_PAGE).get_page(
        request.GET.get("seite")
    )
    statements = list(result_statements(consultation=page))
    return page.render(
        request,
        template="participation/result.html",
        context_overrides={
            "base_url": page.url,
            "preview": page.phase != Phase.RESULT,
            "figures": figures,
            "outcome_rows": [
                {
                    "tally": tally,
                    "statements": statements_tally.count,
                    "colour": OUTCOME_COLOURS.get(tally.key, OUTCOME_COLOURS[""]),
                }
                for tally, statements_tally in zip(
                    figures.by_outcome, figures.statements_by_outcome, strict=True
                )
            ],
            "outcome_colours": orjson.dumps(
                {str(k): v for k, v in OUTCOME_COLOURS.items()}
            ).decode(),
            "charts": _charts(figures),
            "result_statements": statements,
            "contributions": listed,
            "outcomes": Answer.Outcome,
            "features_url": _subpage_url(page, "result_features"),
            "outline": page.consultation_area.geojson if page.consultation_area else "",
            "downloads": [
                (export_format, _subpage_url(page, "result_download", export_format))
                for export_format in RESULT_FORMATS
            ],
        },
    )


def result_features(page, request):
    """The report map's GeoJSON: the report's contributions that have a place, with their
    outcome."""
    _check(page, request)
    response = HttpResponse(
        contribution_features(result_contributions(consultation=page)),
        content_type="application/geo+json",
    )
    response["Cache-Control"] = "public, max-age=60" if page.phase == Phase.RESULT else "private"
    return response


def result_download(page, request, export_format: str):
    _check(page, request)
    if export_format not in RESULT_FORMATS:
        raise Http404
    return exports.result_response(consultation=page, export_format=export_format)
