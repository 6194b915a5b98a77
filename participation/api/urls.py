from rest_framework.routers import SimpleRouter

from .views import (
    AnswerViewSet,
    ConsultationViewSet,
    ContributionViewSet,
    GroupViewSet,
    ProposalViewSet,
    StatementViewSet,
)

router = SimpleRouter()
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("groups", GroupViewSet, basename="group")
router.register("statements", StatementViewSet, basename="statement")
router.register("answers", AnswerViewSet, basename="answer")

urlpatterns = router.urls
