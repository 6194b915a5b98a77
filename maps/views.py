from django.db.models import Prefetch
from django.shortcuts import render

from .forms import AddressSearchForm
from .models import Area
from .selectors import (
    address_search,
    area_feature_collection,
    area_get,
    area_list,
    area_map_areas,
)


def area_index(request):
    """All districts on a map and in a list, each with its forecast areas."""
    districts = area_list(level=Area.Level.BEZIRK).prefetch_related(
        Prefetch("children", queryset=Area.objects.defer("geometry"))
    )
    return render(
        request,
        "maps/area_index.html",
        {
            "districts": districts,
            "map_data": area_feature_collection(districts),
            "address_form": AddressSearchForm(),
        },
    )


def address_lookup(request):
    """Which planning area, district region, forecast area and district an address is in."""
    form = AddressSearchForm(request.GET or None)
    addresses = None
    if form.is_bound and form.is_valid():
        addresses = address_search(query=form.cleaned_data["q"])
    return render(request, "maps/address_lookup.html", {"form": form, "addresses": addresses})


def area_detail(request, code: str):
    """One area: name, level, parents, children and a map."""
    area = area_get(code=code)
    shown, outlined_ancestor = area_map_areas(area=area)
    return render(
        request,
        "maps/area_detail.html",
        {
            "area": area,
            "children": area_list().filter(parent=area),
            "map_data": area_feature_collection(shown),
            "outlined_ancestor": outlined_ancestor,
        },
    )
