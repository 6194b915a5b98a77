from .consultations import (
    ConsultationDocument,
    ConsultationIndexPage,
    ConsultationPage,
    Phase,
    Proposal,
    Topic,
)
from .contributions import Contribution, Report, Support
from .groups import Answer, Group, Membership, ReviewComment, Statement
from .users import User

__all__ = [
    "Answer",
    "ConsultationDocument",
    "ConsultationIndexPage",
    "ConsultationPage",
    "Contribution",
    "Group",
    "Membership",
    "Phase",
    "Proposal",
    "Report",
    "ReviewComment",
    "Statement",
    "Support",
    "Topic",
    "User",
]
