"""What the API shows of consultations, proposals and contributions. Of a person, only the
name they chose to show: never a username, e-mail address or anything from moderation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from maps.api.fields import GeoJSONField
from maps.api.serializers import FeatureSerializer
from maps.models import Area
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
