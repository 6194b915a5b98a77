"""Addresses: reading the table, importing it, searching it, and the lookup page."""

import gzip
import io

import pytest
from django.core.management import CommandError, call_command

from maps.models import Address, SourceImport
from maps.selectors import address_search
from maps.services import address_import
from maps.sources import (
    SourceError,
    address_key,
    address_search_key,
    file_checksum,
    read_addresses,
)
from maps.sources import addresses as address_source

HEADER = "hnr,hnr_zusatz,str_name,plz,ort_name,PLR_NAME,PLR_ID"
ROWS = [
    "1,,Ackerstraße,10115,Mitte,Oranienburger Straße,01100309",
    "1,A,Ackerstraße,10115,Mitte,Oranienburger Straße,01100309",
    "1,B,Ackerstraße,10115,Mitte,Invalidenstraße,01100415",
    "10,,Ackerstraße,10115,Mitte,Invalidenstraße,01100415",
    "2,,Ackerstraße,10115,Mitte,Oranienburger Straße,01100309",
    ",,Pappelplatz,10115,Mitte,Invalidenstraße,01100415",
    "1,,Karl-Marx-Allee,10178,Mitte,Karl-Marx-Allee,01100101",
    "1,,Karl-Marx-Allee,10243,Friedrichshain,Karl-Marx-Allee,01100102",
    "3,,Straße des 17. Juni,10623,Charlottenburg,Spreestadt,01100103",
]


def table(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def gz(tmp_file, text: str, name: str = "adressen.csv.gz"):
    return tmp_file(name, gzip.compress(text.encode("utf-8")))


@pytest.fixture
def addresses(berlin_areas, tmp_file):
    path = gz(tmp_file, table(*ROWS))
    return address_import(records=read_addresses(path), checksum=file_checksum(path))


# Normalising ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Ackerstraße 1", "ackerstrasse 1"),
        ("Ackerstr. 1", "ackerstrasse 1"),
        ("ACKERSTR 1 A", "ackerstrasse 1a"),
        ("Karl-Marx-Allee 1", "karl marx allee 1"),
        ("Straße des 17. Juni", "strasse des 17 juni"),
        ("Strausberger Platz", "strausberger platz"),
        ("  ,;  ", ""),
    ],
)
def test_address_key_ignores_case_sharp_s_abbreviation_and_punctuation(text, key):
    assert address_key(text) == key


# Reading -------------------------------------------------------------------------------------


def test_gzip_and_plain_tables_are_read_alike(tmp_file):
    from_gzip = read_addresses(gz(tmp_file, table(*ROWS)))
    plain = read_addresses(tmp_file("adressen.csv", table(*ROWS)))
    assert from_gzip == plain
    assert from_gzip[1].house_number == "1A"
    assert from_gzip[5].house_number == ""  # a square without house numbers


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,,,10115,Mitte,X,01100309", "line 2: the street is missing"),
        ("1,,Ackerstraße,1011,Mitte,X,01100309", "line 2: postcode '1011' is not five digits"),
        ("1,,Ackerstraße,10115,Mitte,X,0110030", "planning area '0110030' is not eight digits"),
        ("1,,Acker\x1bstraße,10115,Mitte,X,01100309", "line 2: contains control characters"),
        ("1,,Ackerstraße,\u0661\u0660\u0661\u0661\u0665,Mitte,X,01100309", "not five digits"),
    ],
)
def test_bad_rows_are_rejected_naming_the_line(tmp_file, row, message):
    with pytest.raises(SourceError, match=message):
        read_addresses(gz(tmp_file, table(ROWS[0], row).replace(ROWS[0] + "\n", "")))


def test_table_missing_a_column_is_rejected_naming_it(tmp_file):
    with pytest.raises(SourceError, match="missing columns: PLR_ID"):
        read_addresses(gz(tmp_file, table(header=HEADER.replace(",PLR_ID", ""))))


def test_file_named_gz_that_is_not_gzip_is_rejected(tmp_file):
    with pytest.raises(SourceError, match="not a readable gzip file"):
        read_addresses(tmp_file("adressen.csv.gz", table(*ROWS)))


def test_gzip_bomb_is_rejected(tmp_file, monkeypatch):
    monkeypatch.setattr(address_source, "MAX_DECOMPRESSED", 100)
    with pytest.raises(SourceError, match="more than 0 MB when decompressed"):
        read_addresses(gz(tmp_file, table(*ROWS)))


@pytest.mark.parametrize(
    "content",
    [b"", gzip.compress(b"", mtime=0), gzip.compress(HEADER.encode(), mtime=0)],
    ids=["empty file", "empty archive", "header only"],
)
def test_empty_tables_are_rejected(tmp_file, content):
    with pytest.raises(SourceError, match=r"empty|no rows"):
        read_addresses(tmp_file("adressen.csv.gz", content))


# Importing -----------------------------------------------------------------------------------


def test_import_ties_every_address_to_its_planning_area(addresses):
    assert addresses.created == len(ROWS)
    address = Address.objects.get(street="Ackerstraße", house_number="1B")
    assert address.area.code == "01100415"
    assert address.area.level == "planungsraum"
    assert str(Address.objects.get(street="Pappelplatz")) == "Pappelplatz, 10115 Mitte"


def test_same_file_again_changes_nothing(addresses, tmp_file):
    path = gz(tmp_file, table(*ROWS))
    before = list(Address.objects.values_list("pk", flat=True))
    result = address_import(records=read_addresses(path), checksum=file_checksum(path))
    assert (result.created, result.unchanged) == (0, len(ROWS))
    assert list(Address.objects.values_list("pk", flat=True)) == before


def test_changed_file_replaces_the_addresses(addresses, tmp_file):
    path = gz(tmp_file, table(*ROWS[:2]))
    address_import(records=read_addresses(path), checksum=file_checksum(path))
    assert Address.objects.count() == 2
    assert SourceImport.objects.get(name="addresses").rows == 2


def test_unknown_planning_area_is_rejected_and_nothing_is_written(berlin_areas, tmp_file):
    path = gz(tmp_file, table(ROWS[0], "5,,Nirgendweg,10115,Mitte,X,99999999"))
    with pytest.raises(SourceError, match="no planning area with code: 99999999"):
        address_import(records=read_addresses(path), checksum=file_checksum(path))
    assert not Address.objects.exists()
    assert not SourceImport.objects.exists()


def test_command_skips_an_unchanged_file_without_reading_it(berlin_areas, tmp_file):
    path = gz(tmp_file, table(*ROWS))
    call_command("import_addresses", file=path, no_progress=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_addresses", file=path, no_progress=True, stdout=out)
    assert "unchanged since the last import" in out.getvalue()


def test_command_reports_a_bad_file_clearly(berlin_areas, tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command("import_addresses", file=tmp_path / "nowhere.csv.gz", stdout=io.StringIO())


# Searching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ackerstraße 1", ["1", "1A", "1B"]),
        ("ackerstr. 1 a", ["1A"]),
        ("Ackerstr", ["1", "1A", "1B", "2", "10"]),
        ("Karl-Marx-Allee 1, 10243", ["1"]),
        ("Nirgendweg", []),
        ("---", []),
    ],
)
def test_address_search_matches_the_start_of_street_and_number(addresses, query, expected):
    assert [a.house_number for a in address_search(query=query)] == expected


def test_postcode_narrows_the_search(addresses):
    [address] = address_search(query="Karl-Marx-Allee 1, 10243")
    assert address.locality == "Friedrichshain"


def test_address_search_reads_areas_in_one_query(addresses, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = address_search(query="Ackerstraße")
        names = [[a.name for a in address.area.ancestors] for address in results]
    assert names[0][0] == "Mitte" and len(names[0]) == 3  # district, forecast area, region


# The lookup page -----------------------------------------------------------------------------


def test_lookup_page_names_the_area_and_its_parents(addresses, client):
    html = client.get("/gebiete/adresse/", {"q": "Ackerstraße 1B"}).content.decode()
    assert "Ackerstraße 1B" in html
    assert 'href="/gebiete/01100415/"' in html
    assert 'href="/gebiete/01/"' in html  # up to the district


def test_lookup_without_query_shows_only_the_form(db, client):
    html = client.get("/gebiete/adresse/").content.decode()
    assert 'id="address-form"' in html and "address-results" not in html


@pytest.mark.parametrize(("query", "field_error"), [("ab", "3"), ("x" * 101, "100")])
def test_bad_queries_are_reported_in_the_error_summary(db, client, query, field_error):
    html = client.get("/gebiete/adresse/", {"q": query}).content.decode()
    assert 'id="error-summary"' in html and 'href="#id_q"' in html
    assert field_error in html


def test_no_match_says_so(addresses, client):
    html = client.get("/gebiete/adresse/", {"q": "Nirgendweg 5"}).content.decode()
    assert 'id="address-results"' in html and "0 " in html


def test_html_in_the_query_is_escaped(db, client):
    html = client.get("/gebiete/adresse/", {"q": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in html


@pytest.mark.parametrize(
    ("street", "number", "key"),
    [
        ("Ackerstraße", "1A", "ackerstrasse 00001a"),
        ("Ackerstraße", "10", "ackerstrasse 00010"),
        ("Pappelplatz", "", "pappelplatz"),
        ("Straße des 17. Juni", "100", "strasse des 17 juni 00100"),
    ],
)
def test_stored_key_orders_house_numbers_naturally(street, number, key):
    assert address_search_key(street, number) == key


def test_street_with_a_number_in_its_name_is_found(addresses):
    [address] = address_search(query="Straße des 17")
    assert address.house_number == "3"
