from .feedback import AccessibilityFeedback
from .pages import AccessibilityStatementPage, ContentPage, EasyLanguageMixin, HomePage
from .result_datasets import ResultDataset
from .settings import SiteSettings

__all__ = [
    "AccessibilityFeedback",
    "AccessibilityStatementPage",
    "ContentPage",
    "EasyLanguageMixin",
    "HomePage",
    "ResultDataset",
    "SiteSettings",
]
