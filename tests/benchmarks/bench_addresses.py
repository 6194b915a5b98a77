"""Address search over all 401,032 Berlin addresses.

The usual approach is a case-insensitive `icontains` on the street and house number; Quartier
searches a normalised key by range, which the database answers from its index.
"""

import io

import pytest
from django.core.management import call_command
from django.db.models import Q

from maps.models import Address
from maps.selectors import address_search
from tests.benchmarks.conftest import measure

pytestmark = pytest.mark.django_db
QUERIES = ["Ackerstraße 1", "Karl-Marx-Allee 100", "Straße des 17. Juni", "Am "]


@pytest.fixture
def addresses():
    call_command("import_areas", no_progress=True, stdout=io.StringIO())
    call_command("import_addresses", no_progress=True, stdout=io.StringIO())


def usual_search(query: str) -> list[Address]:
    street, _, number = query.rpartition(" ") if query[-1].isdigit() else (query, "", "")
    condition = Q(street__icontains=street.strip())
    if number:
        condition &= Q(house_number__istartswith=number)
    return list(
        Address.objects.filter(condition)
        .select_related("area__parent__parent__parent")
        .order_by("street", "house_number")[:20]
    )


def test_address_search(addresses, report):
    for query in QUERIES:
        report.append(
            (
                f"address search “{query}” (401,032 addresses)",
                measure(lambda q=query: address_search(query=q)),
                measure(lambda q=query: usual_search(q)),
            )
        )
