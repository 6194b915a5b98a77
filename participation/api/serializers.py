"""What the API shows of consultations, proposals and contributions. Of a person, only the
name they chose to show: never a username, e-mail address or anything from moderation."""

import orjson
from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from maps.api.fields import GeoJSONField
from maps.api.serializers import FeatureSerializer
from maps.geometry import GeometryError, geometry_from_geojson_text
from maps.models import Area
from maps.selectors import area_list
from participation.models import (
    Answer,
    ConsultationPage,
    Contribution,
    Group,
    Proposal,
    Statement,
    Topic,
)
from participation.models.consultations import PUBLIC_PHASES
from participation.selectors import consultation_find, proposal_list

# The largest id the API accepts (as the id in an address: at most 18 digits).
MAX_ID = 10**18 - 1


class PageLinksMixin:
    """Full URLs of consultation pages and their routes. Each page's URL is worked out once
    per response, with the request's cached site lookup (no query per row)."""

    def page_url(self, page: ConsultationPage, route: str = "", pk: int | None = None) -> str:
        urls = self.context.setdefault("page_urls", {})
        if page.pk not in urls:
            urls[page.pk] = page.get_full_url(self.context["request"])
        if not route:
            return urls[page.pk]
        return urls[page.pk] + page.reverse_subpage(route, args=[pk])


class TopicSerializer(serializers.ModelSerializer):
    """A topic a consultation is about."""

    class Meta:
        model = Topic
        fields = ["slug", "name"]


class AreaReferenceSerializer(serializers.ModelSerializer):
    """The area an item lies in (its outline is at /api/v1/areas/<code>/)."""

    class Meta:
        model = Area
        fields = ["code", "name"]


class ConsultationSerializer(PageLinksMixin, serializers.ModelSerializer):
    """A published consultation: when it runs, what it is about and how to take part."""

    url = serializers.SerializerMethodField(help_text=_("The consultation's page."))
    phase = serializers.ChoiceField(
        choices=PUBLIC_PHASES,
        read_only=True,
        help_text=_("The phase the consultation is in today."),
    )
    topics = TopicSerializer(many=True, read_only=True)
    areas = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text=_("The codes of the areas the consultation is about."),
    )
    location_kinds = serializers.SerializerMethodField(
        help_text=_("What a contribution may give as its place.")
    )
    contribution_count = serializers.IntegerField(
        read_only=True, help_text=_("Published contributions, replies included.")
    )

    class Meta:
        model = ConsultationPage
        fields = [
            "id",
            "title",
            "url",
            "summary",
            "easy_language_summary",
            "phase",
            "contributions_start",
            "contributions_end",
            "result_date",
            "topics",
            "areas",
            "location_kinds",
            "contributors",
            "moderation",
            "contribution_count",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, consultation: ConsultationPage) -> str:
        return self.page_url(consultation)

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "enum": ["point", "line", "polygon", "none"]}}
    )
    def get_location_kinds(self, consultation: ConsultationPage) -> list[str]:
        allowed = {
            "point": consultation.allow_point,
            "line": consultation.allow_line,
            "polygon": consultation.allow_polygon,
            "none": consultation.allow_no_place,
        }
        return [kind for kind, allow in allowed.items() if allow]


class ProposalSerializer(PageLinksMixin, FeatureSerializer):
    """A proposal (a measure or a site) of a published consultation, as a GeoJSON Feature."""

    geometry = GeoJSONField(source="geojson")
    consultation = serializers.IntegerField(
        source="consultation_id", help_text=_("The id of the consultation.")
    )
    area = AreaReferenceSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text=_("The proposal's page."))

    class Meta:
        model = Proposal
        geo_field = "geometry"
        id_field = "id"
        fields = ["id", "consultation", "title", "description", "area", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, proposal: Proposal) -> str:
        return self.page_url(proposal.consultation, "proposal", proposal.pk)


class ContributionSerializer(PageLinksMixin, FeatureSerializer):
    """A published contribution or reply, as a GeoJSON Feature (geometry null without a
    place)."""

    geometry = GeoJSONField(source="geojson")
    consultation = serializers.IntegerField(
        source="consultation_id", help_text=_("The id of the consultation.")
    )
    proposal = serializers.IntegerField(
        source="proposal_id", allow_null=True, help_text=_("The id of the proposal, if any.")
    )
    reply_to = serializers.IntegerField(
        source="reply_to_id",
        allow_null=True,
        help_text=_("For a reply: the id of the contribution it answers."),
    )
    category = serializers.SerializerMethodField(help_text=_("Null if none was chosen."))
    area = AreaReferenceSerializer(read_only=True, allow_null=True)
    author = serializers.SerializerMethodField(
        help_text=_("The name the author chose to show; null once the account is deleted.")
    )
    url = serializers.SerializerMethodField(help_text=_("The contribution's page."))

    class Meta:
        model = Contribution
        geo_field = "geometry"
        id_field = "id"
        fields = [
            "id",
            "consultation",
            "proposal",
            "reply_to",
            "text",
            "category",
            "area",
            "author",
            "support_count",
            "created_at",
            "url",
        ]

    @extend_schema_field({"type": "string", "enum": Contribution.Category.values, "nullable": True})
    def get_category(self, contribution: Contribution) -> str | None:
        return contribution.category or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_author(self, contribution: Contribution) -> str | None:
        # str(user) is the display name (or "Participant <n>"), never the username.
        return str(contribution.author) if contribution.author_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, contribution: Contribution) -> str:
        thread = contribution.reply_to_id or contribution.pk
        url = self.page_url(contribution.consultation, "contribution", thread)
        return url + (f"#antwort-{contribution.pk}" if contribution.reply_to_id else "")


# Groups, statements and the administration's answers -----------------------------------------


class GroupSerializer(serializers.ModelSerializer):
    """A group that takes part as a group: what it is and whether the editors checked it. Its
    members are never shown."""

    kind = serializers.ChoiceField(
        choices=Group.Kind.choices, read_only=True, help_text=_("What kind of group it is.")
    )
    verified = serializers.BooleanField(
        read_only=True, help_text=_("Checked by the editors: the group is who it says it is.")
    )
    verified_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When the editors checked it, if they did.")
    )
    url = serializers.SerializerMethodField(help_text=_("The group's page."))

    class Meta:
        model = Group
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "description",
            "website",
            "verified",
            "verified_at",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, group: Group) -> str:
        return self.context["request"].build_absolute_uri(group.get_absolute_url())


class GroupReferenceSerializer(serializers.ModelSerializer):
    """The group that published a statement (all about it at /api/v1/groups/<id>/)."""

    verified = serializers.BooleanField(
        read_only=True, help_text=_("Checked by the editors: the group is who it says it is.")
    )

    class Meta:
        model = Group
        fields = ["id", "name", "verified"]


class StatementAnswerSerializer(serializers.ModelSerializer):
    """The administration's answer to an item: what became of it and why. Who wrote it is
    not published: the administration answers."""

    outcome = serializers.ChoiceField(
        choices=Answer.Outcome.choices, read_only=True, help_text=_("What became of the item.")
    )
    reasons = serializers.CharField(
        read_only=True, help_text=_("Why, in the administration's words.")
    )
    answered_at = serializers.DateTimeField(read_only=True, help_text=_("When it was answered."))

    class Meta:
        model = Answer
        fields = ["outcome", "reasons", "answered_at"]


class StatementSerializer(serializers.ModelSerializer):
    """A group's public statement on a consultation or one of its proposals, with the
    administration's answer (null until it is given)."""

    consultation = serializers.IntegerField(
        source="consultation_id", read_only=True, help_text=_("The id of the consultation.")
    )
    proposal = serializers.IntegerField(
        source="proposal_id",
        read_only=True,
        allow_null=True,
        help_text=_("The id of the proposal, if the statement is about one."),
    )
    group = GroupReferenceSerializer(read_only=True)
    recommendation = serializers.ChoiceField(
        choices=Statement.Recommendation.choices,
        read_only=True,
        help_text=_("What the group recommends."),
    )
    resolution_date = serializers.DateField(
        read_only=True, help_text=_("The day the group resolved the statement.")
    )
    document = serializers.SerializerMethodField(
        help_text=_("The statement as a document (PDF), if the group gave one.")
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When it was published."))
    answer = serializers.SerializerMethodField(
        help_text=_("The administration's answer; null until it is given.")
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "consultation",
            "proposal",
            "group",
            "text",
            "recommendation",
            "resolution_date",
            "document",
            "created_at",
            "answer",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_document(self, statement: Statement) -> str | None:
        if not statement.document:
            return None
        return self.context["request"].build_absolute_uri(statement.document.url)

    @extend_schema_field(StatementAnswerSerializer(allow_null=True))
    def get_answer(self, statement: Statement) -> dict | None:
        try:
            answer = statement.answer
        except Answer.DoesNotExist:
            return None
        return StatementAnswerSerializer(answer, context=self.context).data


class AnswerSerializer(serializers.ModelSerializer):
    """The administration's answer to a published contribution or a public statement. Who
    wrote it is not published: the administration answers."""

    item_type = serializers.SerializerMethodField(help_text=_("What is answered."))
    item = serializers.SerializerMethodField(
        help_text=_("The id of the contribution or statement answered.")
    )
    consultation = serializers.IntegerField(
        source="consultation_id", read_only=True, help_text=_("The id of the consultation.")
    )
    outcome = serializers.ChoiceField(
        choices=Answer.Outcome.choices, read_only=True, help_text=_("What became of the item.")
    )
    reasons = serializers.CharField(
        read_only=True, help_text=_("Why, in the administration's words.")
    )
    answered_at = serializers.DateTimeField(read_only=True, help_text=_("When it was answered."))

    class Meta:
        model = Answer
        fields = ["id", "item_type", "item", "consultation", "outcome", "reasons", "answered_at"]

    @extend_schema_field({"type": "string", "enum": ["contribution", "statement"]})
    def get_item_type(self, answer: Answer) -> str:
        return "contribution" if answer.contribution_id else "statement"

    @extend_schema_field(OpenApiTypes.INT)
    def get_item(self, answer: Answer) -> int:
        return answer.contribution_id or answer.statement_id


# Creating a contribution ---------------------------------------------------------------------


def _geometry_input_schema() -> dict:
    position = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
    kinds = {
        "Point": (position, [13.42, 52.52]),
        "LineString": (
            {"type": "array", "items": position, "minItems": 2},
            [[13.41, 52.51], [13.43, 52.52]],
        ),
        "Polygon": (
            {"type": "array", "items": {"type": "array", "items": position, "minItems": 4}},
            [[[13.41, 52.51], [13.43, 52.51], [13.43, 52.53], [13.41, 52.51]]],
        ),
    }
    return {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": [kind]},
                    "coordinates": {**coordinates, "example": example},
                },
                "required": ["type", "coordinates"],
            }
            for kind, (coordinates, example) in kinds.items()
        ],
        "nullable": True,
    }


@extend_schema_field(_geometry_input_schema())
class GeoJSONGeometryInputField(serializers.Field):
    """A GeoJSON geometry object in WGS 84 (a Point, LineString or Polygon), checked as the
    map on the contribution form checks it."""

    def to_internal_value(self, data) -> GEOSGeometry:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                _('Give a GeoJSON geometry object, e.g. {"type": "Point", …}.')
            )
        try:
            return geometry_from_geojson_text(orjson.dumps(data).decode())
        except GeometryError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value):
        return orjson.loads(value.geojson) if value is not None else None


class ContributionCreateSerializer(serializers.Serializer):
    """A new contribution: what the form on a consultation's page asks for, named as the API
    shows contributions. Give the place as geometry or as area, or neither if the
    consultation takes contributions without a place."""

    # Only the shape is checked here: whether it may be posted (phase, place, group) is
    # decided by `contribution_create`, as for the form.

    consultation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("The id of the consultation.")
    )
    text = serializers.CharField(
        trim_whitespace=False, help_text=_("The contribution, at most 4,000 characters.")
    )
    category = serializers.ChoiceField(
        choices=Contribution.Category.choices, help_text=_("What kind of contribution it is.")
    )
    proposal = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text=_("The id of a proposal of this consultation it is about, if any."),
    )
    geometry = GeoJSONGeometryInputField(
        required=False,
        allow_null=True,
        help_text=_(
            "The place as a GeoJSON geometry in WGS 84 (EPSG:4326): a point, line or area, as "
            "the consultation allows (location_kinds). Give either geometry or area."
        ),
    )
    area = serializers.CharField(
        max_length=16,
        required=False,
        allow_null=True,
        help_text=_(
            "Instead of a geometry: the code of an area in the consultation area as the place."
        ),
    )
    group = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text=_(
            "The id of a group you are an active member of, to write on its behalf; its name is "
            "shown with the contribution."
        ),
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            _("Unknown field. A contribution has: %(fields)s.")
                            % {"fields": ", ".join(self.fields)}
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate_consultation(self, pk: int) -> ConsultationPage:
        consultation = consultation_find(pk=pk)
        if consultation is None:
            raise serializers.ValidationError(
                _("There is no published consultation with the id %(id)s.") % {"id": pk}
            )
        return consultation

    def validate_proposal(self, pk: int | None) -> Proposal | None:
        if pk is None:
            return None
        proposal = proposal_list().filter(pk=pk).first()
        if proposal is None:
            raise serializers.ValidationError(
                _("There is no published proposal with the id %(id)s.") % {"id": pk}
            )
        return proposal

    def validate_area(self, code: str | None) -> Area | None:
        if not code:
            return None
        area = area_list().filter(code=code).first()
        if area is None:
            raise serializers.ValidationError(
                _("There is no area with the code “%(code)s”.") % {"code": code}
            )
        return area

    def validate_group(self, pk: int | None) -> Group | None:
        if pk is None:
            return None
        group = Group.objects.filter(pk=pk).first()
        if group is None:
            raise serializers.ValidationError(
                _("There is no group with the id %(id)s.") % {"id": pk}
            )
        return group

    def validate(self, data: dict) -> dict:
        if data.get("geometry") is not None and data.get("area") is not None:
            raise serializers.ValidationError(
                {"area": [_("Give either geometry or area as the place, not both.")]}
            )
        return data

    def service_kwargs(self) -> dict:
        """Arguments for `contribution_create`, once the data is valid."""
        data = self.validated_data
        return {
            "consultation": data["consultation"],
            "text": data["text"],
            "category": data["category"],
            "proposal": data.get("proposal"),
            "geometry": data.get("geometry"),
            "area": data.get("area"),
            "group": data.get("group"),
        }


class CreatedContributionSerializer(ContributionSerializer):
    """A contribution just created, as the API shows it, and whether it is already published
    or awaits moderation (then it is listed once a moderator approves it)."""

    status = serializers.ChoiceField(
        choices=[
            (Contribution.Status.PUBLISHED.value, Contribution.Status.PUBLISHED.label),
            (Contribution.Status.PENDING.value, Contribution.Status.PENDING.label),
        ],
        read_only=True,
        help_text=_("published: listed at once; pending: listed once a moderator has approved it."),
    )

    class Meta(ContributionSerializer.Meta):
        fields = [*ContributionSerializer.Meta.fields, "status"]
