"""The result report: who sees it when, its counts, charts, statements, map data and
downloads, and that it stays anonymous."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from itertools import pairwise

import orjson
import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from maps.models import Area
from participation.charts import column_chart, horizontal_chart, nice_step
from participation.models import Answer, Contribution, Group, Statement
from participation.selectors.results import result_figures
from tests.factories import make_consultation, square

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
TODAY = timezone.localdate()


@pytest.fixture
def editor(user_factory):
    user = user_factory(username="editor", email="redaktion@amt.example")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def author(user_factory):
    return user_factory(display_name="Erika Geheim", email="erika@private.example")


@pytest.fixture
def area():
    return Area.objects.create(
        code="07100101",
        name="Rathaus Schöneberg",
        level=Area.Level.PLANUNGSRAUM,
        geometry=square(13.34, 52.48),
    )


def in_result(**fields):
    values = {
        "title": "Stufenlose Wege zum Rathaus",
        "contributions_start": TODAY - timedelta(days=20),
        "contributions_end": TODAY - timedelta(days=10),
        "result_date": TODAY - timedelta(days=1),
        **fields,
    }
    return make_consultation(**values)


def on_day(contribution, day: date, hour: int = 12):
    zone = timezone.get_current_timezone()
    contribution.created_at = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
    contribution.save(update_fields=["created_at"])
    return contribution


def answer(item, outcome, reasons="Begründung der Verwaltung.", by=None):
    field = "statement" if isinstance(item, Statement) else "contribution"
    return Answer.objects.create(**{field: item}, outcome=outcome, reasons=reasons, answered_by=by)


def statement(consultation, user, group_name="Beirat für Menschen mit Behinderung", **fields):
    group, _created = Group.objects.get_or_create(
        name=group_name,
        defaults={"slug": f"gruppe-{Group.objects.count()}", "kind": Group.Kind.ADVISORY_BOARD},
    )
    values = {
        "consultation": consultation,
        "group": group,
        "author": user,
        "text": "Der Beirat empfiehlt Weg A mit Leitstreifen.",
        "recommendation": Statement.Recommendation.CONDITIONS,
        "resolution_date": TODAY - timedelta(days=12),
        **fields,
    }
    return Statement.objects.create(**values)


@pytest.fixture
def report(contribution_factory, author, area, editor):
    """A consultation in its result phase: five published contributions (three answered, one
    without a place, one with a line), a removed one, a reply, a pending one, two statements
    (one answered) and one written in an unpublished review."""
    page = in_result()
    start = page.contributions_start
    first = contribution_factory(consultation=page, author=author, area=area, text="Bordstein!")
    second = contribution_factory(
        consultation=page, author=author, area=area, category=Contribution.Category.CONCERN
    )
    third = contribution_factory(
        consultation=page,
        author=author,
        geometry=LineString((13.34, 52.48), (13.345, 52.485), srid=4326),
        category=Contribution.Category.QUESTION,
    )
    fourth = contribution_factory(consultation=page, author=author, geometry=None)
    fifth = contribution_factory(consultation=page, author=author, support_count=4)
    for contribution, offset in ((first, 0), (second, 0), (third, 3), (fourth, 5), (fifth, 9)):
        on_day(contribution, start + timedelta(days=offset))
    answer(first, Answer.Outcome.ADOPTED, "Der Bordstein wird abgesenkt.", by=editor)
    answer(second, Answer.Outcome.ADOPTED, by=editor)
    answer(third, Answer.Outcome.NOT_ADOPTED, by=editor)
    contribution_factory(
        consultation=page,
        author=author,
        status=Contribution.Status.REJECTED,
        moderation_reason="Beleidigend",
    )
    contribution_factory(consultation=page, author=author, reply_to=first, text="Stimmt!")
    contribution_factory(consultation=page, author=author, status=Contribution.Status.PENDING)
    board = statement(page, author)
    answer(board, Answer.Outcome.PARTLY, "Leitstreifen kommen auf Weg A.", by=editor)
    statement(page, author, group_name="Selbsthilfe Sehen")
    statement(page, author, group_name="Geheimer Beirat", in_review=True, text="Nur intern.")
    return page


def result_url(page, suffix=""):
    return page.url + page.reverse_subpage("result") + suffix


# Who sees the report when ------------------------------------------------------------------


@pytest.mark.parametrize("days", [None, 3])
def test_before_the_result_date_the_report_does_not_exist_for_the_public(client, days):
    result_date = TODAY + timedelta(days=days) if days else None
    page = in_result(result_date=result_date)

    assert client.get(result_url(page)).status_code == 404
    assert client.get(result_url(page, "kartendaten/")).status_code == 404
    assert client.get(result_url(page, "download/csv/")).status_code == 404
    assert result_url(page) not in client.get(page.url).content.decode()


def test_editors_preview_the_report_before_the_result_date(client, editor):
    page = in_result(result_date=TODAY + timedelta(days=3))
    client.force_login(editor)

    response = client.get(result_url(page))

    assert response.status_code == 200
    assert "Preview for the editors" in response.content.decode()
    assert client.get(result_url(page, "download/csv/")).status_code == 200
    assert "Preview the result report" in client.get(page.url).content.decode()


def test_from_the_result_date_everyone_sees_the_report_linked_from_the_consultation(client, report):
    response = client.get(result_url(report))

    assert response.status_code == 200
    assert "Preview" not in response.content.decode()
    assert result_url(report) in client.get(report.url).content.decode()


def test_unknown_download_format_is_not_found(client, report):
    assert client.get(result_url(report, "download/xlsx/")).status_code == 404
    assert client.get(result_url(report, "download/exe/")).status_code == 404


# Figures -------------------------------------------------------------------------------------


def test_figures_count_published_top_level_contributions_by_outcome_category_and_area(report, area):
    figures = result_figures(consultation=report)

    assert figures.contributions == 5
    assert figures.removed == 1
    assert figures.supports == 4
    assert figures.answered == 3
    outcomes = {row.key: row.count for row in figures.by_outcome}
    assert outcomes == {
        "adopted": 2,
        "partly": 0,
        "not_adopted": 1,
        "out_of_scope": 0,
        "unanswered": 2,
    }
    categories = {row.key: row.count for row in figures.by_category}
    assert categories == {"suggestion": 3, "concern": 1, "question": 1, "praise": 0}
    # The line lies in no imported area; the contributions without any area come last.
    assert [(row.label, row.count) for row in figures.by_area] == [
        (area.name, 2),
        ("No specific place", 3),
    ]


def test_statements_count_only_public_ones_by_outcome(report):
    figures = result_figures(consultation=report)

    assert figures.statements == 2
    counts = {row.key: row.count for row in figures.statements_by_outcome}
    assert counts["partly"] == 1
    assert counts["unanswered"] == 1


def test_per_day_covers_every_day_of_the_contribution_phase(report):
    figures = result_figures(consultation=report)
    start = report.contributions_start

    days = dict(figures.per_day)
    assert figures.per_day[0][0] == start
    assert figures.per_day[-1][0] == report.contributions_end
    assert len(figures.per_day) == 11
    assert days[start] == 2
    assert days[start + timedelta(days=3)] == 1
    assert days[start + timedelta(days=1)] == 0
    assert sum(days.values()) == 5


def test_a_contribution_dated_outside_the_phase_widens_the_days(report):
    early = Contribution.objects.filter(consultation=report, text="Bordstein!").get()
    on_day(early, report.contributions_start - timedelta(days=2))

    days = result_figures(consultation=report).per_day

    assert days[0] == (report.contributions_start - timedelta(days=2), 1)


def test_figures_of_a_consultation_without_contributions():
    figures = result_figures(consultation=in_result())

    assert figures.contributions == figures.answered == figures.supports == 0
    assert figures.by_area == []
    assert all(count == 0 for _day, count in figures.per_day)


def test_report_page_queries_do_not_grow_with_contributions(
    client, report, contribution_factory, author, django_assert_max_num_queries
):
    client.get(result_url(report))  # warm caches (site root, area stamp)
    with django_assert_max_num_queries(30) as few:
        client.get(result_url(report))
    for _number in range(40):
        answer(contribution_factory(consultation=report, author=author), Answer.Outcome.ADOPTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(result_url(report))
    assert response.status_code == 200


# The page ------------------------------------------------------------------------------------


def test_page_shows_outcomes_statements_with_answers_charts_and_the_table(client, report):
    html = client.get(result_url(report)).content.decode()

    assert "Outcome of the contributions and statements" in html
    assert "Leitstreifen kommen auf Weg A." in html  # the statement's answer
    assert "Selbsthilfe Sehen" in html
    assert "Nur intern." not in html and "Geheimer Beirat" not in html
    for chart_id in ("diagramm-tage", "diagramm-gebiete", "diagramm-kategorien"):
        assert f'id="{chart_id}-title"' in html
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
    assert "5 contributions and their outcomes" in html
    assert "Beleidigend" not in html
    assert 'data-colour-by="outcome"' in html
    assert "ergebnis/download/csv/" in html and "ergebnis/download/geojson/" in html


def test_page_names_no_author_and_no_email(client, report):
    html = client.get(result_url(report)).content.decode()

    assert "Erika Geheim" not in html
    assert not EMAIL.findall(html.replace("@context", ""))


def test_table_is_paginated_to_the_table_anchor(client, report, contribution_factory, author):
    for _number in range(50):
        contribution_factory(consultation=report, author=author)

    html = client.get(result_url(report)).content.decode()

    assert "seite=2#result-table" in html
    assert "page 1 of 2" in html


# Map data and downloads ----------------------------------------------------------------------


def test_map_data_carries_the_outcome_of_each_contribution_with_a_place(client, report):
    response = client.get(result_url(report, "kartendaten/"))

    collection = orjson.loads(response.content)
    outcomes = sorted(f["properties"]["outcome"] for f in collection["features"])
    assert response["Content-Type"] == "application/geo+json"
    assert outcomes == ["", "adopted", "adopted", "not_adopted"]
    labels = {f["properties"]["outcome_label"] for f in collection["features"]}
    assert labels == {"", "Adopted", "Not adopted"}


def test_csv_download_is_the_anonymous_result(client, report):
    response = client.get(result_url(report, "download/csv/"))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert response["Content-Disposition"].startswith('attachment; filename="ergebnis-')
    assert len(rows) == 5
    first = next(row for row in rows if row["text"] == "Bordstein!")
    assert first["outcome"] == "adopted"
    assert first["answer"] == "Der Bordstein wird abgesenkt."
    assert first["area_code"] == "07100101"
    assert first["answered"]
    assert "author" not in rows[0]
    assert "Erika" not in body and not EMAIL.findall(body)
    assert {row["outcome"] for row in rows} == {"adopted", "not_adopted", ""}


def test_geojson_download_has_every_result_contribution_with_its_place(client, report):
    response = client.get(result_url(report, "download/geojson/"))

    collection = orjson.loads(b"".join(response.streaming_content))
    assert len(collection["features"]) == 5
    kinds = sorted(
        feature["geometry"]["type"] if feature["geometry"] else "none"
        for feature in collection["features"]
    )
    assert kinds == ["LineString", "Point", "Point", "Point", "none"]
    assert all("author" not in feature["properties"] for feature in collection["features"])


# Charts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peak", "step"), [(0, 1), (3, 1), (7, 2), (10, 5), (23, 10), (180, 50), (1000, 500)]
)
def test_nice_step(peak, step):
    assert nice_step(peak) == step


def test_column_chart_draws_a_column_a_day_and_labels_that_do_not_overlap():
    start = date(2026, 3, 1)
    days = [(start + timedelta(days=n), n % 4) for n in range(60)]

    chart = column_chart(id="tage", title="Per day", days=days, count_heading="Contributions")

    assert len(chart.bars) == 60
    positions = [tick.position for tick in chart.x_ticks]
    widest = max(len(tick.label) for tick in chart.x_ticks) * 7.2
    assert all(b - a >= widest + 10 for a, b in pairwise(positions))
    assert chart.x_ticks[0].label == "3/1"
    assert max(bar.height for bar in chart.bars) <= chart.baseline
    assert [bar.count for bar in chart.table_bars] == [n % 4 for n in range(60) if n % 4]
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2", "3"]
    assert "the most on" in chart.summary


def test_horizontal_chart_scales_bars_to_the_largest_and_keeps_full_labels():
    long_name = "Bezirksregion mit einem sehr langen Namen am Rand der Stadt"
    chart = horizontal_chart(
        id="gebiete",
        title="Per area",
        rows=[("Schöneberg", 10), (long_name, 5), ("Leer", 0)],
        label_heading="Area",
        count_heading="Contributions",
    )

    assert chart.bars[0].width == 2 * chart.bars[1].width
    assert chart.bars[2].width == 0
    assert chart.bars[1].full_label == long_name and chart.bars[1].label.endswith("…")
    assert chart.height == 3 * 28
    assert "Schöneberg (10)" in chart.summary


def test_empty_charts_say_so():
    chart = horizontal_chart(id="x", title="t", rows=[], label_heading="a", count_heading="b")

    assert chart.summary == "No contributions yet."
    assert chart.bars == []


def test_points_outside_any_area_are_counted_without_a_place(report, contribution_factory, author):
    contribution_factory(consultation=report, author=author, geometry=Point(13.2, 52.4, srid=4326))

    figures = result_figures(consultation=report)

    assert figures.by_area[-1].count == 4


def test_sitemap_lists_the_report_from_the_result_date(client, report):
    before = in_result(title="Noch in Auswertung", result_date=TODAY + timedelta(days=5))

    sitemap = client.get("/sitemap.xml").content.decode()

    assert result_url(report) in sitemap
    assert before.url in sitemap and result_url(before) not in sitemap
