from .consultations import (
    ConsultationDocument,
    ConsultationIndexPage,
    ConsultationPage,
    Phase,
    Proposal,
    Topic,
)
from .contributions import Contribution, Report, Support
from .users import User

__all__ = [
    "ConsultationDocument",
    "ConsultationIndexPage",
    "ConsultationPage",
    "Contribution",
    "Phase",
    "Proposal",
    "Report",
    "Support",
    "Topic",
    "User",
]
