"""What reads participation data, by who reads it: the public pages, the REST API and the
administration. Querysets are built once, in a constant number of queries."""

from .administration import (
    EXPORT_FIELDS,
    MODERATION_QUEUES,
    AsWKT,
    contribution_export_rows,
    moderation_find,
    moderation_get,
    moderation_queue,
    moderation_waiting_count,
)
from .api import (
    consultation_find,
    consultation_summaries,
    proposal_list,
    public_consultations,
    published_contributions,
)
from .pages import (
    CONSULTATION_CONTENT,
    GEOJSON_PRECISION,
    ContributionFilters,
    consultation_area_choices,
    consultation_list,
    contribution_features,
    contribution_get,
    proposal_features,
    public_contributions,
    supported_ids,
)

__all__ = [
    "CONSULTATION_CONTENT",
    "EXPORT_FIELDS",
    "GEOJSON_PRECISION",
    "MODERATION_QUEUES",
    "AsWKT",
    "ContributionFilters",
    "consultation_area_choices",
    "consultation_find",
    "consultation_list",
    "consultation_summaries",
    "contribution_export_rows",
    "contribution_features",
    "contribution_get",
    "moderation_find",
    "moderation_get",
    "moderation_queue",
    "moderation_waiting_count",
    "proposal_features",
    "proposal_list",
    "public_consultations",
    "public_contributions",
    "published_contributions",
    "supported_ids",
]
