import csv
import io

import orjson
import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import PageLogEntry

from participation.exports import COLUMNS, PROPERTIES
from participation.models import Contribution, Proposal
from tests.factories import make_consultation, square, staff_group

pytestmark = pytest.mark.django_db

PRIVATE = b"@private.example"
# Session, user, permissions, profile, consultation, the export's log entry (four), the rows,
# and SpatiaLite's version check: none of them per row.
QUERIES = 12


@pytest.fixture
def editor(user_factory):
    user = user_factory(display_name="Redaktion")
    user.groups.add(staff_group("Editors", "view_contribution"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def district(area_factory):
    return area_factory(code="01", name="Mitte", geometry=square(13.3, 52.5, 0.2))


@pytest.fixture
def consultation(district):
    return make_consultation(title="Spielplatz Görlitzer Park", slug="spielplatz", areas=[district])


@pytest.fixture
def contributions(consultation, district, contribution_factory, user_factory):
    """Every kind of place and status, a reply, a proposal, and text that spreadsheets
    would misread."""
    proposal = Proposal.objects.create(
        consultation=consultation, title="Neue Rutsche", description="Am Eingang"
    )
    nameless = user_factory(display_name="")

    def make(**fields):
        return contribution_factory(consultation=consultation, **fields)

    point = make(
        text="Schöne Bänke für Ältere",
        geometry=Point(13.405, 52.52, srid=4326),
        area=district,
        proposal=proposal,
        support_count=3,
    )
    return {
        "point": point,
        "line": make(
            text="Radweg",
            category="concern",
            geometry=LineString((13.40, 52.51), (13.41, 52.52), srid=4326),
        ),
        "polygon": make(
            text="Dieser Block",
            geometry=Polygon(
                ((13.40, 52.51), (13.41, 52.51), (13.41, 52.52), (13.40, 52.51)), srid=4326
            ),
        ),
        "placeless": make(text='=HYPERLINK("http://evil.example";"Klick")', geometry=None),
        "reply": make(text="Stimmt!\x0b", geometry=None, reply_to=point, author=nameless),
        "rejected": make(text="Werbung", status="rejected", moderation_reason="Werbung (Regel 4)"),
        "pending": make(text="Wartet noch", status="pending", geometry=None),
        "withdrawn": make(text="Zurückgezogen", status="withdrawn"),
    }


def url(consultation, export_format):
    return f"/admin/beteiligung/{consultation.pk}/export.{export_format}"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def test_csv_is_streamed_with_bom_header_and_a_dated_filename(editor_client, contributions):
    consultation = contributions["point"].consultation
    response = editor_client.get(url(consultation, "csv"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="beitraege-spielplatz-{timezone.localdate().isoformat()}.csv"'
    )
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbfid,consultation,reply_to,")
    assert PRIVATE not in content


def test_csv_holds_every_contribution_but_withdrawn_ones(editor_client, contributions):
    consultation = contributions["point"].consultation
    rows = csv_rows(editor_client.get(url(consultation, "csv")))
    assert list(rows[0]) == list(COLUMNS)
    by_id = {int(row["id"]): row for row in rows}
    expected = {c.pk for key, c in contributions.items() if key != "withdrawn"}
    assert set(by_id) == expected

    point = by_id[contributions["point"].pk]
    assert point["consultation"] == "Spielplatz Görlitzer Park"
    assert point["text"] == "Schöne Bänke für Ältere"
    assert (point["longitude"], point["latitude"]) == ("13.405", "52.52")
    assert point["wkt"] == "POINT(13.405 52.52)"
    assert (point["area_code"], point["area"]) == ("01", "Mitte")
    assert point["proposal"] == "Neue Rutsche"
    assert point["supporters"] == "3"
    assert point["author"] == contributions["point"].author.display_name
    created = timezone.localtime(contributions["point"].created_at)
    assert point["created"] == created.isoformat(timespec="seconds")

    placeless = by_id[contributions["placeless"].pk]
    assert (placeless["longitude"], placeless["latitude"], placeless["wkt"]) == ("", "", "")
    line = by_id[contributions["line"].pk]
    assert (line["longitude"], line["latitude"]) == ("", "")
    assert line["wkt"].startswith("LINESTRING")
    assert by_id[contributions["polygon"].pk]["wkt"].startswith("POLYGON")

    reply = by_id[contributions["reply"].pk]
    assert reply["reply_to"] == str(contributions["point"].pk)
    assert reply["author"] == f"Participant {contributions['reply'].author_id}"
    rejected = by_id[contributions["rejected"].pk]
    assert (rejected["status"], rejected["reason"]) == ("rejected", "Werbung (Regel 4)")
    assert by_id[contributions["pending"].pk]["status"] == "pending"


def test_csv_text_is_never_run_as_a_formula(editor_client, contributions):
    consultation = contributions["point"].consultation
    rows = {int(r["id"]): r for r in csv_rows(editor_client.get(url(consultation, "csv")))}
    assert rows[contributions["placeless"].pk]["text"].startswith("'=HYPERLINK")


def test_xlsx_opens_with_the_same_rows_and_columns(editor_client, contributions):
    consultation = contributions["point"].consultation
    response = editor_client.get(url(consultation, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith(f'-{timezone.localdate().isoformat()}.xlsx"')
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == COLUMNS
    # A row ends at its last value: the empty cells after it are not stored.
    padded = [(*row, *[None] * (len(COLUMNS) - len(row))) for row in rows]
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in padded}
    assert set(by_id) == {c.pk for key, c in contributions.items() if key != "withdrawn"}
    point = by_id[contributions["point"].pk]
    assert (point["longitude"], point["latitude"]) == (13.405, 52.52)
    assert point["text"] == "Schöne Bänke für Ältere"
    assert by_id[contributions["placeless"].pk]["wkt"] is None
    assert by_id[contributions["placeless"].pk]["text"].startswith("=HYPERLINK")
    assert by_id[contributions["reply"].pk]["text"] == "Stimmt!"
    values = " ".join(str(value) for row in rows for value in row if value is not None)
    assert "@private.example" not in values


def test_xlsx_keeps_formula_like_text_as_text(editor_client, contributions):
    consultation = contributions["point"].consultation
    content = body(editor_client.get(url(consultation, "xlsx")))
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[COLUMNS.index("text")] for row in sheet.iter_rows(min_row=2)]
    formula = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"


def test_geojson_is_streamed_feature_by_feature(editor_client, contributions):
    consultation = contributions["point"].consultation
    response = editor_client.get(url(consultation, "geojson"))
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].endswith('.geojson"')
    content = body(response)
    assert PRIVATE not in content
    collection = orjson.loads(content)
    assert collection["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in collection["features"]}
    assert set(features) == {c.pk for key, c in contributions.items() if key != "withdrawn"}
    point = features[contributions["point"].pk]
    assert tuple(point["properties"]) == PROPERTIES
    assert point["geometry"] == {"type": "Point", "coordinates": [13.405, 52.52]}
    assert features[contributions["line"].pk]["geometry"]["type"] == "LineString"
    assert features[contributions["polygon"].pk]["geometry"]["type"] == "Polygon"
    assert features[contributions["placeless"].pk]["geometry"] is None
    assert features[contributions["rejected"].pk]["properties"]["reason"] == "Werbung (Regel 4)"


def test_empty_consultation_exports_headers_and_an_empty_collection(editor_client, consultation):
    assert csv_rows(editor_client.get(url(consultation, "csv"))) == []
    collection = orjson.loads(body(editor_client.get(url(consultation, "geojson"))))
    assert collection == {"type": "FeatureCollection", "features": []}
    sheet = load_workbook(io.BytesIO(body(editor_client.get(url(consultation, "xlsx"))))).active
    assert list(sheet.iter_rows(values_only=True)) == [COLUMNS]


def test_every_export_is_recorded_with_its_account_and_format(editor_client, editor, consultation):
    body(editor_client.get(url(consultation, "geojson")))
    entry = PageLogEntry.objects.get(page=consultation, action="participation.export_contributions")
    assert entry.user == editor
    assert entry.data == {"format": "geojson"}


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize("export_format", ["csv", "xlsx", "geojson"])
def test_export_queries_do_not_grow_with_the_rows(
    editor_client, consultation, user, rows, export_format, django_assert_max_num_queries
):
    Contribution.objects.bulk_create(
        Contribution(
            consultation=consultation,
            author=user,
            text=f"Beitrag {number}",
            status="published",
            geometry=Point(13.4, 52.5 + number / 10000, srid=4326) if number % 2 else None,
        )
        for number in range(rows)
    )
    with django_assert_max_num_queries(QUERIES):
        response = editor_client.get(url(consultation, export_format))
        content = body(response)
    assert response.status_code == 200
    assert len(content) > rows * 20


def test_staff_without_the_permission_get_403(client, user_factory, consultation):
    staff = user_factory()
    staff.groups.add(staff_group("Web team"))
    client.force_login(staff)
    for export_format in ("csv", "xlsx", "geojson"):
        assert client.get(url(consultation, export_format)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, consultation):
    response = client.get(url(consultation, "csv"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_residents_are_sent_to_log_in(client, user, consultation):
    client.force_login(user)
    response = client.get(url(consultation, "csv"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_unknown_format_or_consultation_is_not_found(editor_client, consultation):
    assert editor_client.get(url(consultation, "pdf")).status_code == 404
    assert editor_client.get("/admin/beteiligung/999999/export.csv").status_code == 404


def test_moderators_may_export_too(client, user_factory, consultation):
    moderator = user_factory()
    moderator.groups.add(staff_group("Moderators", "change_contribution"))
    client.force_login(moderator)
    assert client.get(url(consultation, "csv")).status_code == 200
