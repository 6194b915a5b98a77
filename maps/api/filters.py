from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from maps.models import Area
from maps.selectors import area_list

from .params import BooleanParameter, ChoiceParameter, QueryParameters


class AreaDetailQuery(QueryParameters):
    geometry = BooleanParameter(
        required=False,
        help_text=gettext_lazy(
            "false leaves the outlines out (geometry is null): far smaller responses."
        ),
    )

    examples = {"geometry": False}


class AreaQuery(AreaDetailQuery):
    level = ChoiceParameter(
        choices=Area.Level.choices,
        required=False,
        help_text=gettext_lazy(
            "Only areas of this level of the LOR hierarchy: bezirk (district), prognoseraum "
            "(forecast area), bezirksregion (district region), planungsraum (planning area)."
        ),
    )
    parent = serializers.CharField(
        required=False,
        max_length=16,
        help_text=gettext_lazy("Only the areas directly inside the area with this code."),
    )

    examples = {"level": Area.Level.BEZIRK, "geometry": False}

    def validate_parent(self, code: str) -> Area:
        area = area_list().filter(code=code).first()
        if area is None:
            raise serializers.ValidationError(
                _("There is no area with the code “%(code)s”.") % {"code": code}
            )
        return area
