"""What the REST API reads: the public data only, in a constant number of queries."""

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.db.models import (
    Count,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from maps.models import Area

from ..models import ConsultationPage, Contribution, Proposal
from .pages import (
    CONSULTATION_CONTENT,
    GEOJSON_PRECISION,
    ContributionFilters,
    consultation_list,
)
from .review import hidden_in_review_ids


def public_consultations() -> QuerySet[ConsultationPage]:
    """Consultations anyone may see: live, without a view restriction and not hidden in an
    unpublished review phase."""
    return ConsultationPage.objects.live().public().exclude(pk__in=hidden_in_review_ids())


def consultation_find(*, pk: int) -> ConsultationPage | None:
    """A consultation anyone may see, without its content (None if there is none)."""
    return public_consultations().defer(*CONSULTATION_CONTENT).filter(pk=pk).first()


def consultation_summaries(
    *, district: Area | None = None, topic: str = "", phase: str = ""
) -> QuerySet[ConsultationPage]:
    """`consultation_list` without the content, with the number of published contributions
    (replies included) as `contribution_count`, in a stable order for paging."""
    published = (
        Contribution.objects.filter(
            consultation=OuterRef("pk"), status=Contribution.Status.PUBLISHED
        )
        .order_by()
        .values("consultation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        consultation_list(district=district, topic=topic, phase=phase)
        .defer(*CONSULTATION_CONTENT)
        .annotate(contribution_count=Coalesce(Subquery(published), 0))
        .order_by("-contributions_start", "title", "pk")
    )


def proposal_list(
    *, consultation: ConsultationPage | None = None, bbox: Polygon | None = None
) -> QuerySet[Proposal]:
    """Proposals of consultations anyone may see, in their consultation's order, with the
    geometry written as GeoJSON by the database (`geojson`)."""
    proposals = Proposal.objects.filter(consultation__in=public_consultations().values("pk"))
    if consultation is not None:
        proposals = proposals.filter(consultation=consultation)
    if bbox is not None:
        proposals = proposals.filter(geometry__intersects=bbox)
    return (
        proposals.select_related("consultation", "area")
        .defer(
            "geometry",
            "area__geometry",
            *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
        )
        .annotate(geojson=AsGeoJSON("geometry", precision=GEOJSON_PRECISION))
        .order_by("consultation", "sort_order", "pk")
    )


def published_contributions(
    *,
    consultation: ConsultationPage | None = None,
    filters: ContributionFilters | None = None,
    bbox: Polygon | None = None,
) -> QuerySet[Contribution]:
    """Exactly the published contributions, replies included, of consultations anyone may
    see, newest first; author, area and consultation joined in and the geometry written as
    GeoJSON by the database (`geojson`). With `bbox`, only those whose geometry meets it."""
    contributions = Contribution.objects.filter(
        status=Contribution.Status.PUBLISHED,
        consultation__in=public_consultations().values("pk"),
    )
    if consultation is not None:
        contributions = contributions.filter(consultation=consultation)
    if filters is not None:
        contributions = filters.apply(contributions)
    if bbox is not None:
        contributions = contributions.filter(geometry__intersects=bbox)
    return _as_api(contributions).order_by("-created_at", "-pk")


def created_contribution(*, pk: int) -> Contribution:
    """A contribution just created, whatever its status, as the API shows contributions."""
    return _as_api(Contribution.objects.filter(pk=pk)).get()


def _as_api(contributions: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Author, area and consultation joined in, the geometry written as GeoJSON by the
    database (`geojson`)."""
    return (
        contributions.select_related("author", "area", "consultation")
        .defer(
            "geometry",
            "area__geometry",
            *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
        )
        .annotate(geojson=AsGeoJSON("geometry", precision=GEOJSON_PRECISION))
    )
