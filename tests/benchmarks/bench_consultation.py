"""A consultation with 10,000 contributions: its page, its map data and its query counts.

The usual approach is what a map module without care does: every contribution rendered from a
model instance, its author, area and proposal fetched per row, geometry serialised by GEOS in
Python, the whole list on one page.
"""

import os
import random

import orjson
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client

from maps.models import Area
from participation.models import Answer, Contribution
from participation.selectors import contribution_features, public_contributions
from tests.benchmarks.conftest import measure
from tests.factories import UserFactory, make_consultation, square

pytestmark = pytest.mark.django_db
CONTRIBUTIONS = int(os.environ.get("BENCH_CONTRIBUTIONS", "10000"))


@pytest.fixture
def consultation():
    district = Area.objects.create(
        code="02",
        name="Friedrichshain-Kreuzberg",
        level="bezirk",
        geometry=square(13.36, 52.48, 0.1),
    )
    page = make_consultation(areas=[district])
    authors = [UserFactory() for _ in range(50)]
    rng = random.Random(3)
    categories = Contribution.Category.values
    Contribution.objects.bulk_create(
        Contribution(
            consultation=page,
            author=authors[i % len(authors)],
            text=f"Beitrag {i}: hier fehlt eine Bank, ein Baum oder eine Rampe.",
            category=categories[i % len(categories)],
            geometry=Point(13.36 + rng.random() * 0.1, 52.48 + rng.random() * 0.1, srid=4326),
            area=district,
            status=Contribution.Status.PUBLISHED,
        )
        for i in range(CONTRIBUTIONS)
    )
    return page


def usual_map_data(page) -> bytes:
    features = []
    for contribution in Contribution.objects.filter(consultation=page, status="published"):
        features.append(
            {
                "type": "Feature",
                "geometry": orjson.loads(contribution.geometry.geojson),
                "properties": {
                    "text": contribution.text,
                    "author": str(contribution.author),
                    "area": contribution.area.name if contribution.area else "",
                    "proposal": contribution.proposal.title if contribution.proposal else "",
                },
            }
        )
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def queries(function) -> int:
    """How many SQL statements `function()` runs (no cap, unlike the debug query log)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return count


def test_consultation_with_10000_contributions(consultation, report):
    client = Client()
    page_url = consultation.url
    ours_map = lambda: contribution_features(public_contributions(consultation=consultation))  # noqa: E731
    usual_map = lambda: usual_map_data(consultation)  # noqa: E731
    report.append(
        (
            f"map data, {CONTRIBUTIONS:,} contributions "
            f"({queries(ours_map)} vs {queries(usual_map)} queries)",
            measure(ours_map, repeat=3),
            measure(usual_map, repeat=3),
        )
    )
    assert client.get(page_url).status_code == 200
    ours_page = lambda: client.get(page_url)  # noqa: E731
    report.append(
        (
            f"consultation page (list of 20 + filters; {queries(ours_page)} queries) "
            "vs. usual map data",
            measure(ours_page, repeat=5),
            measure(usual_map, repeat=3),
        )
    )


def usual_result_figures(page) -> dict:
    """Counting in Python over every contribution, the answer fetched per row."""
    figures: dict[str, dict] = {"outcome": {}, "category": {}, "area": {}, "day": {}}
    for contribution in Contribution.objects.filter(consultation=page, status="published"):
        try:
            outcome = contribution.answer.outcome
        except Answer.DoesNotExist:
            outcome = ""
        keys = {
            "outcome": outcome,
            "category": contribution.category,
            "area": contribution.area.name if contribution.area else "",
            "day": contribution.created_at.date(),
        }
        for name, key in keys.items():
            figures[name][key] = figures[name].get(key, 0) + 1
    return figures


def usual_result_csv(page) -> str:
    """The whole CSV built in memory from model instances, answer and area fetched per row."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for contribution in Contribution.objects.filter(consultation=page, status="published"):
        try:
            answer = contribution.answer
        except Answer.DoesNotExist:
            answer = None
        writer.writerow(
            [
                contribution.pk,
                contribution.text,
                contribution.area.name if contribution.area else "",
                answer.outcome if answer else "",
                answer.reasons if answer else "",
                contribution.geometry.wkt,
            ]
        )
    return buffer.getvalue()


def test_result_report_with_10000_answered_contributions(consultation, report):
    from datetime import timedelta

    from django.utils import timezone

    editor = UserFactory()
    outcomes = Answer.Outcome.values
    Answer.objects.bulk_create(
        Answer(
            contribution=contribution,
            outcome=outcomes[number % len(outcomes)],
            reasons="Die Verwaltung prüft den Hinweis im Rahmen der Planung.",
            answered_by=editor,
        )
        for number, contribution in enumerate(
            Contribution.objects.filter(consultation=consultation)
        )
    )
    today = timezone.localdate()
    type(consultation).objects.filter(pk=consultation.pk).update(
        contributions_start=today - timedelta(days=60),
        contributions_end=today - timedelta(days=10),
        result_date=today,
    )
    consultation.refresh_from_db()
    client = Client()
    url = consultation.url + consultation.reverse_subpage("result")
    assert client.get(url).status_code == 200
    ours_page = lambda: client.get(url)  # noqa: E731
    usual = lambda: usual_result_figures(consultation)  # noqa: E731
    report.append(
        (
            f"result report page, {CONTRIBUTIONS:,} answered contributions "
            f"({queries(ours_page)} queries) vs. counting in Python "
            f"({queries(usual)} queries, no page yet)",
            measure(ours_page, repeat=5),
            measure(usual, repeat=3),
        )
    )
    csv_url = consultation.url + consultation.reverse_subpage("result_download", args=["csv"])
    ours_csv = lambda: b"".join(client.get(csv_url).streaming_content)  # noqa: E731
    report.append(
        (
            "result as CSV (streamed) vs. built in memory from model instances",
            measure(ours_csv, repeat=3),
            measure(lambda: usual_result_csv(consultation), repeat=3),
        )
    )
