from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

from maps.selectors import area_feature_list

from .exceptions import ErrorSerializer
from .filters import AreaDetailQuery, AreaQuery
from .pagination import GeoJSONPagination
from .serializers import AreaSerializer
from .viewsets import PublicReadOnlyViewSet


@extend_schema_view(
    list=extend_schema(
        summary=_("Areas"),
        description=_(
            "The areas of the LOR hierarchy (district, forecast area, district region, planning "
            "area) as a GeoJSON FeatureCollection in code order. Outlines are in WGS 84, "
            "rounded to five decimals; an area without an outline has a null geometry."
        ),
        parameters=AreaQuery.schema_parameters(),
        responses={200: AreaSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary=_("One area"),
        description=_("One area as a GeoJSON Feature."),
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description=_("The area's code, e.g. 01 for the district of Mitte."),
                examples=[OpenApiExample("code", value="01")],
            ),
            *AreaDetailQuery.schema_parameters(),
        ],
        responses={200: AreaSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    ),
)
class AreaViewSet(PublicReadOnlyViewSet):
    serializer_class = AreaSerializer
    pagination_class = GeoJSONPagination
    list_parameters = AreaQuery
    detail_parameters = AreaDetailQuery
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z_-]{1,16}"
    not_found_message = _("There is no area with the code “%(code)s”.")
    cache_max_age = 3600  # reference data: changes with an import, rarely

    def get_queryset(self):
        return area_feature_list(
            level=self.query.get("level", ""),
            parent=self.query.get("parent"),
            with_geometry=self.query.get("geometry", True),
        )
